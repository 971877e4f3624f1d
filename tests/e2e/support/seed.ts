/** Users seeded into the "Globex" organization by global setup (plus their admin). */
export const BIG_ORG_SIZE = 3000;
