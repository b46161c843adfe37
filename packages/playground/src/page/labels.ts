/**
 * The page's own words (what Discord's client would write around the bot's messages) in the two
 * languages the member's language picker offers. The bot's texts come from the bot; these are the
 * playground's. Korean in 해요체, with the terms of the bot's Korean glossary (채널, 멤버, 명령어…).
 */
import type { PlayLocale } from '../api-types.js';

const en = {
  servers: 'Servers',
  channels: 'Channels',
  textChannels: 'Text channels',
  simulatedTime: 'Simulated time',
  plusHour: '+1 hour',
  plusDay: '+1 day',
  movingTime: 'Moving time…',
  actingAs: 'Acting as',
  actAs: 'Act as',
  language: 'Language',
  members: 'Members',
  openChannels: 'Channels and settings',
  openMembers: 'Members',
  closePanel: 'Close',
  cancel: 'Cancel',
  submit: 'Submit',
  cancelCommand: 'Cancel the command',
  messagePlaceholder: 'Message #{channel} — type / for commands',
  messagePlaceholderShort: 'Message #{channel}',
  channelStart: 'This is the start of #{channel}. Type / to use the bot’s commands.',
  cannotUse: 'You cannot use /{command} here.',
  noResponse: 'The application did not respond',
  interactionFailed: 'This interaction failed',
  refusedDetail: 'simulator: the bot’s answer was refused ({status} {code} {message})',
  newMessages: 'New messages',
  moderator: 'Moderator',
  memberModerator: '{name} (moderator)',
  actAsMember: 'Act as {name}',
  app: 'APP',
  noCommandMatches: 'No command matches /{query}',
  noCommands: 'The bot has no commands you can use here',
  noChoiceMatches: 'No choice matches',
  loadingFailed: 'Loading options failed',
  noOptionsMatch: 'No options match your search',
  true: 'True',
  false: 'False',
  required: '{option}: this option is required',
  pickChoice: '{option}: pick one of the choices',
  wholeNumber: '{option}: must be a whole number',
  number: '{option}: must be a number',
  sending: 'Sending command…',
  noSuchCommand: 'No command {command}: pick one from the list.',
  onlyCommands: 'The bot reads no messages, only commands: type / to use one.',
  makeSelection: 'Make a selection',
  thinking: '{name} is thinking',
  spoiler: 'Spoiler',
  onlyYou: 'Only you can see this •',
  dismiss: 'Dismiss message',
  used: ' used ',
  usedAfter: '',
  edited: '(edited)',
  today: 'Today at {time}',
  yesterday: 'Yesterday at {time}',
  tomorrow: 'Tomorrow at {time}',
  dateTime: '{date} {time}',
} as const;

export type LabelKey = keyof typeof en;

const ko: Record<LabelKey, string> = {
  servers: '서버',
  channels: '채널',
  textChannels: '채팅 채널',
  simulatedTime: '가상 시간',
  plusHour: '+1시간',
  plusDay: '+1일',
  movingTime: '시간을 옮기는 중…',
  actingAs: '지금 활동하는 멤버',
  actAs: '멤버',
  language: '언어',
  members: '멤버',
  openChannels: '채널과 설정',
  openMembers: '멤버',
  closePanel: '닫기',
  cancel: '취소',
  submit: '제출',
  cancelCommand: '명령어 취소',
  messagePlaceholder: '#{channel}에 메시지 보내기 — /를 입력하면 명령어가 나와요',
  messagePlaceholderShort: '#{channel}에 메시지 보내기',
  channelStart: '#{channel} 채널의 시작이에요. /를 입력해 봇의 명령어를 써 보세요.',
  cannotUse: '여기서는 /{command} 명령어를 쓸 수 없어요.',
  noResponse: '애플리케이션이 응답하지 않았어요',
  interactionFailed: '상호작용에 실패했어요',
  refusedDetail: '시뮬레이터: 봇의 응답이 거부됐어요 ({status} {code} {message})',
  newMessages: '새 메시지',
  moderator: '관리자',
  memberModerator: '{name} (관리자)',
  actAsMember: '{name} 멤버로 활동하기',
  app: '앱',
  noCommandMatches: '/{query}에 맞는 명령어가 없어요',
  noCommands: '여기서 쓸 수 있는 봇 명령어가 없어요',
  noChoiceMatches: '맞는 선택지가 없어요',
  loadingFailed: '옵션을 불러오지 못했어요',
  noOptionsMatch: '검색과 맞는 옵션이 없어요',
  true: '참',
  false: '거짓',
  required: '{option}: 꼭 채워야 하는 옵션이에요',
  pickChoice: '{option}: 선택지 중에서 골라 주세요',
  wholeNumber: '{option}: 정수를 입력해 주세요',
  number: '{option}: 숫자를 입력해 주세요',
  sending: '명령어를 보내는 중…',
  noSuchCommand: '{command} 명령어는 없어요. 목록에서 골라 주세요.',
  onlyCommands: '봇은 메시지를 읽지 않고 명령어만 받아요. /를 입력해 명령어를 써 보세요.',
  makeSelection: '선택해 주세요',
  thinking: '{name} 생각 중',
  spoiler: '스포일러',
  onlyYou: '나만 볼 수 있어요 •',
  dismiss: '메시지 닫기',
  used: ' 님이 ',
  usedAfter: ' 사용',
  edited: '(수정됨)',
  today: '오늘 {time}',
  yesterday: '어제 {time}',
  tomorrow: '내일 {time}',
  dateTime: '{date} {time}',
};

const LABELS: ReadonlyMap<PlayLocale, Readonly<Record<LabelKey, string>>> = new Map([
  ['en-US', en],
  ['ko', ko],
]);

/** The page's text `key` in `locale`, with `{name}` placeholders filled from `vars`. */
export function label(locale: PlayLocale, key: LabelKey, vars: Readonly<Record<string, string | number>> = {}): string {
  // `key` may come from the page's HTML (`data-label`): an unknown one shows as itself.
  const text: string = (LABELS.get(locale) ?? en)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** The language tag of a locale, for `<html lang>` and `Intl`: `en` or `ko`. */
export function languageTag(locale: PlayLocale): string {
  return locale === 'ko' ? 'ko' : 'en';
}

const ATTRIBUTES = ['placeholder', 'title', 'aria-label'] as const;

/**
 * Puts the page's static texts in `locale`: an element's text from `data-label`, and its
 * placeholder, title or aria-label from `data-label-placeholder`, `data-label-title` and
 * `data-label-aria-label`.
 */
export function applyLabels(root: ParentNode, locale: PlayLocale): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-label]')) {
    el.textContent = label(locale, el.dataset.label as LabelKey);
  }
  for (const attribute of ATTRIBUTES) {
    const data = `data-label-${attribute}`;
    for (const el of root.querySelectorAll<HTMLElement>(`[${data}]`)) {
      el.setAttribute(attribute, label(locale, el.getAttribute(data) as LabelKey));
    }
  }
}
