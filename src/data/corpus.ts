/**
 * The built-in text corpus, generated at run time from a seed: English-like
 * paragraphs from a small probabilistic grammar (with number agreement,
 * tense, questions and subordinate clauses), arithmetic lines that are always
 * correct, and structured records whose totals add up. It gives a
 * character-level model words, syntax and arithmetic to learn without any
 * copied text.
 *
 * @example
 * const text = generateCorpus({ seed: 1, chars: 200_000 });
 * const ds = textDataset(text, { level: 'char' });
 */
import { ArgumentError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export interface CorpusOptions {
  seed?: number;
  /** Length to reach, in characters (default 300,000); the last line is finished, so a little more comes out. */
  chars?: number;
}

/** [singular, plural] */
type Noun = readonly [string, string];
/** [base, third person singular, past] */
type Verb = readonly [string, string, string];

const NOUNS: readonly Noun[] = [
  ['cat', 'cats'], ['river', 'rivers'], ['engineer', 'engineers'], ['lantern', 'lanterns'], ['garden', 'gardens'],
  ['teacher', 'teachers'], ['robot', 'robots'], ['ship', 'ships'], ['village', 'villages'], ['storm', 'storms'],
  ['fox', 'foxes'], ['child', 'children'], ['city', 'cities'], ['library', 'libraries'], ['baker', 'bakers'],
  ['window', 'windows'], ['mountain', 'mountains'], ['letter', 'letters'], ['clock', 'clocks'], ['bird', 'birds'],
  ['farmer', 'farmers'], ['bridge', 'bridges'], ['map', 'maps'], ['sailor', 'sailors'], ['key', 'keys'],
];
const ADJECTIVES = [
  'quiet', 'small', 'bright', 'old', 'curious', 'green', 'silent', 'heavy', 'clever', 'distant',
  'tired', 'golden', 'narrow', 'patient', 'broken', 'warm',
];
const TRANSITIVE: readonly Verb[] = [
  ['see', 'sees', 'saw'], ['find', 'finds', 'found'], ['carry', 'carries', 'carried'], ['follow', 'follows', 'followed'],
  ['build', 'builds', 'built'], ['paint', 'paints', 'painted'], ['watch', 'watches', 'watched'], ['repair', 'repairs', 'repaired'],
  ['visit', 'visits', 'visited'], ['remember', 'remembers', 'remembered'], ['open', 'opens', 'opened'], ['draw', 'draws', 'drew'],
];
const INTRANSITIVE: readonly Verb[] = [
  ['sleep', 'sleeps', 'slept'], ['wait', 'waits', 'waited'], ['sing', 'sings', 'sang'], ['wander', 'wanders', 'wandered'],
  ['laugh', 'laughs', 'laughed'], ['shine', 'shines', 'shone'], ['rest', 'rests', 'rested'], ['listen', 'listens', 'listened'],
];
const SAYING: readonly Verb[] = [['say', 'says', 'said'], ['think', 'thinks', 'thought'], ['know', 'knows', 'knew'], ['believe', 'believes', 'believed']];
const ADVERBS = ['slowly', 'quietly', 'again', 'at night', 'before dawn', 'every morning', 'in the rain', 'without a sound'];
const PREPOSITIONS = ['near', 'under', 'behind', 'beside', 'across', 'inside'];
const CONJUNCTIONS = ['and', 'because', 'while', 'but'];
const DET_SINGULAR = ['the', 'a', 'every', 'this', 'that'];
const DET_PLURAL = ['the', 'some', 'these', 'those', 'many', 'two', 'three'];

const FIRST_NAMES = ['Ada', 'Bruno', 'Chen', 'Dara', 'Emil', 'Farah', 'Goran', 'Hana', 'Ines', 'Jonas', 'Kemi', 'Luca', 'Mira', 'Nils', 'Omar', 'Priya'];
const LAST_NAMES = ['Olsen', 'Park', 'Reyes', 'Novak', 'Haddad', 'Lind', 'Moreau', 'Sato', 'Quinn', 'Varga'];
const TOWNS = ['Harbor Bay', 'Millbrook', 'Stonefield', 'Ashford', 'Lakeview', 'Redcliff'];
const JOBS = ['baker', 'engineer', 'teacher', 'sailor', 'farmer', 'painter', 'nurse', 'clerk'];
const ITEMS: readonly (readonly [string, number])[] = [
  ['lantern', 450], ['rope', 120], ['teapot', 975], ['notebook', 230], ['compass', 1599], ['candle', 75], ['map', 310], ['kettle', 1250],
];

type Tense = 'present' | 'past';

/** Generates the corpus: lines of paragraphs, arithmetic and records, in a seeded mix. */
export function generateCorpus(opts: CorpusOptions = {}): string {
  const chars = opts.chars ?? 300_000;
  if (!(Number.isInteger(chars) && chars > 0)) throw new ArgumentError(`generateCorpus: chars ${chars} must be a positive integer`);
  const g = new Grammar(new Rng(opts.seed ?? 1234));
  const lines: string[] = [];
  let length = 0;
  while (length < chars) {
    const r = g.rng.uniform();
    const line = r < 0.6 ? g.paragraph() : r < 0.8 ? g.arithmetic() : g.record();
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

class Grammar {
  constructor(readonly rng: Rng) {}

  paragraph(): string {
    const tense: Tense = this.chance(0.5) ? 'present' : 'past';
    const n = 2 + this.rng.int(4);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.chance(0.15) ? this.question(tense) : `${capitalize(this.sentence(tense, 0))}${this.chance(0.1) ? '!' : '.'}`);
    return out.join(' ');
  }

  /** S -> NP VP | S conj S | NP says that S */
  sentence(tense: Tense, depth: number): string {
    const r = this.rng.uniform();
    if (depth < 2 && r < 0.15) return `${this.sentence(tense, depth + 1)} ${this.pick(CONJUNCTIONS)} ${this.sentence(tense, depth + 1)}`;
    const [subject, plural] = this.nounPhrase(depth);
    if (depth < 2 && r < 0.25) return `${subject} ${this.inflect(this.pick(SAYING), plural, tense)} that ${this.sentence(tense, depth + 1)}`;
    return `${subject} ${this.verbPhrase(plural, tense, depth)}`;
  }

  /** Do/Does/Did NP V NP? */
  question(tense: Tense): string {
    const [subject, plural] = this.nounPhrase(1);
    const aux = tense === 'past' ? 'Did' : plural ? 'Do' : 'Does';
    const [object] = this.nounPhrase(1);
    return `${aux} ${subject} ${this.pick(TRANSITIVE)[0]} ${object}?`;
  }

  /** NP -> Det Adj* N PP?; returns the phrase and whether it is plural. */
  nounPhrase(depth: number): [string, boolean] {
    const plural = this.chance(0.4);
    const words = [this.pick(plural ? DET_PLURAL : DET_SINGULAR)];
    let adjectives = 0;
    while (adjectives < 2 && this.chance(0.35)) {
      const adjective = this.pick(ADJECTIVES);
      if (words.includes(adjective)) continue;
      words.push(adjective);
      adjectives++;
    }
    const noun = this.pick(NOUNS);
    words.push(plural ? noun[1] : noun[0]);
    if (words[0] === 'a' && /^[aeiou]/.test(words[1]!)) words[0] = 'an';
    let phrase = words.join(' ');
    if (depth < 2 && this.chance(0.2)) phrase += ` ${this.pick(PREPOSITIONS)} ${this.nounPhrase(depth + 1)[0]}`;
    return [phrase, plural];
  }

  /** VP -> Vt NP Adv? | Vi Adv? */
  verbPhrase(plural: boolean, tense: Tense, depth: number): string {
    const transitive = this.chance(0.6);
    let vp = transitive ? `${this.inflect(this.pick(TRANSITIVE), plural, tense)} ${this.nounPhrase(depth + 1)[0]}` : this.inflect(this.pick(INTRANSITIVE), plural, tense);
    if (this.chance(transitive ? 0.2 : 0.6)) vp += ` ${this.pick(ADVERBS)}`;
    return vp;
  }

  inflect(verb: Verb, plural: boolean, tense: Tense): string {
    if (tense === 'past') return verb[2];
    return plural ? verb[0] : verb[1];
  }

  arithmetic(): string {
    const kind = this.rng.int(4);
    if (kind === 0) {
      const a = this.rng.int(100);
      const b = this.rng.int(100);
      return `${a} + ${b} = ${a + b}`;
    }
    if (kind === 1) {
      const a = this.rng.int(100);
      const b = this.rng.int(a + 1);
      return `${a} - ${b} = ${a - b}`;
    }
    if (kind === 2) {
      const a = 1 + this.rng.int(12);
      const b = 1 + this.rng.int(12);
      return `${a} * ${b} = ${a * b}`;
    }
    const a = this.rng.int(50);
    const b = this.rng.int(50);
    return `Q: what is ${a} plus ${b}? A: ${a + b}`;
  }

  /** A person record or an order whose total is quantity times unit price, in cents to stay exact. */
  record(): string {
    if (this.chance(0.5)) {
      const name = `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}`;
      return `name=${name}; age=${18 + this.rng.int(60)}; city=${this.pick(TOWNS)}; job=${this.pick(JOBS)}`;
    }
    const [item, cents] = this.pick(ITEMS);
    const qty = 1 + this.rng.int(9);
    return `{"order": ${1000 + this.rng.int(9000)}, "item": "${item}", "qty": ${qty}, "price": ${money(cents)}, "total": ${money(qty * cents)}}`;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)]!;
  }

  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
