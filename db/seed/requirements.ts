import type { Insertable } from 'kysely';
import type { DocumentRequirementsTable } from '../schema.js';

const identity = [
  { document: 'KTP-el (electronic identity card), original', note: null },
  { document: 'Kartu Keluarga (family card), original', note: null },
];
const birthProof = {
  document: 'Akta kelahiran, ijazah, buku nikah or surat baptis, original',
  note: 'one of them, showing your name, place and date of birth',
};

/** Documents to bring to the interview (the immigration directorate's published list). */
const byType: Record<string, { document: string; note: string | null }[]> = {
  NEW: [...identity, birthProof],
  RENEWAL: [...identity, { document: 'Your current or expired passport', note: 'the one whose number you gave when applying' }],
  LOST: [
    ...identity,
    birthProof,
    { document: 'Surat keterangan hilang from the police (Polri)', note: 'the report whose number you gave when applying' },
  ],
  DAMAGED: [...identity, birthProof, { document: 'The damaged passport', note: 'an officer examines it for the BAP' }],
};

export const requirements: Insertable<DocumentRequirementsTable>[] = Object.entries(byType).flatMap(([type, documents]) =>
  documents.map((d, i) => ({ application_type: type, position: i + 1, document: d.document, note: d.note })),
);
