/**
 * A synthetic catalogue of any size, shaped like the grown one (issue 22): several stories per pair
 * (two dramas, or two kisses of one drama told apart by episode), actors' aliases, Korean titles
 * and drama abbreviations, dramas spread over years and networks. For tests and benchmarks that
 * must not depend on how many stories data/ holds. Deterministic: the same size gives the same stories.
 */
import { buildCatalogue, type Catalogue, type StoryFile } from '../../src/catalogue/catalogue.js';

const SURNAMES = [
  ['Kim', '김'],
  ['Lee', '이'],
  ['Park', '박'],
  ['Choi', '최'],
  ['Jung', '정'],
  ['Kang', '강'],
  ['Yoon', '윤'],
  ['Han', '한'],
  ['Seo', '서'],
  ['Song', '송'],
  ['Shin', '신'],
] as const;
const GIVEN = [
  ['Min', '민'],
  ['Ji', '지'],
  ['Soo', '수'],
  ['Hyun', '현'],
  ['Yeon', '연'],
  ['Woo', '우'],
  ['Ha', '하'],
  ['Eun', '은'],
  ['Joon', '준'],
  ['Seo', '서'],
  ['Na', '나'],
  ['Bin', '빈'],
  ['Ra', '라'],
] as const;
const WORDS = [
  ['Moon', '달'],
  ['Spring', '봄'],
  ['Letter', '편지'],
  ['Garden', '정원'],
  ['Winter', '겨울'],
  ['Star', '별'],
  ['Island', '섬'],
  ['Doctor', '의사'],
  ['Secret', '비밀'],
  ['Palace', '궁'],
  ['Summer', '여름'],
  ['River', '강'],
  ['Rain', '비'],
  ['Piano', '피아노'],
] as const;
export const NETWORKS = ['KBS2', 'MBC', 'SBS', 'tvN', 'JTBC', 'OCN', 'ENA', 'Netflix', 'Disney+', 'TVING', 'Coupang Play'] as const;

function actor(n: number): { name: string; hangul: string } {
  const [surname, surnameKo] = SURNAMES[n % SURNAMES.length]!;
  const [first, firstKo] = GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]!;
  const [second, secondKo] = GIVEN[(Math.floor(n / (SURNAMES.length * GIVEN.length)) + n * 7) % GIVEN.length]!;
  return { name: `${surname} ${first} ${second}`, hangul: `${surnameKo}${firstKo}${secondKo}` };
}


function drama(n: number): StoryFile['drama'] & { korean: string; aliases: string[] } {
  const [a, aKo] = WORDS[n % WORDS.length]!;
  const [b, bKo] = WORDS[(Math.floor(n / WORDS.length) + 3) % WORDS.length]!;
  const title = `${a} of the ${b} ${n}`;
  return {
    title,
    korean: `${aKo}의 ${bKo} ${n}`,
    aliases: [`${a[0]}${b[0]}${n}`, `${aKo}${bKo}${n}`],
    network: NETWORKS[n % NETWORKS.length]!,
    year: 2005 + ((n * 7) % 21),
  };
}

/**
 * `size` stories. Every fifth pair has a second story: every tenth in another drama, the others a
 * second kiss of the same drama (then both stories carry an episode). Actor 0 of each pair has an
 * acting-name alias.
 */
export function largeStories(size: number): StoryFile[] {
  const stories: StoryFile[] = [];
  for (let pair = 0; stories.length < size; pair++) {
    const [first, second] = [actor(2 * pair), actor(2 * pair + 1)];
    const actors = [{ ...first, aliases: [`${first.name.split(' ')[0]} Star ${pair}`] }, second];
    const base = drama(pair);
    const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const story = (id: string, d: ReturnType<typeof drama>, episode?: number): StoryFile => ({
      id,
      actors,
      drama: d,
      ...(episode === undefined ? {} : { episode }),
      story: { en: `While filming the kiss in ${d.title}, ${first.name} and ${second.name} laughed through the takes.`, ko: `'${d.korean}'의 키스신을 찍는 동안 두 배우는 계속 웃었어요.` },
      video: { search: { en: `${first.name} ${second.name} ${d.title} kiss scene making`, ko: `${first.hangul} ${second.hangul} ${d.korean} 키스신 메이킹` } },
      source: { title: `Behind the scenes of ${d.title}`, publisher: 'Example News', url: `https://news.example.com/${id}`, published: `${d.year}-05` },
    });
    const id = `${slug(first.name)}-${slug(second.name)}-${pair}`;
    const twice = pair % 5 === 4;
    const sameDrama = twice && pair % 10 !== 9;
    stories.push(story(id, base, sameDrama ? 7 : undefined));
    if (twice && stories.length < size) stories.push(sameDrama ? story(`${id}-b`, base, 12) : story(`${id}-b`, drama(pair + 500)));
  }
  return stories;
}

/** A catalogue of `size` synthetic stories, built from their story files as the bot builds its own. */
export function largeCatalogue(size = 130): Catalogue {
  return buildCatalogue(largeStories(size).map((data) => ({ file: `data/stories/${data.id}.json`, data })));
}
