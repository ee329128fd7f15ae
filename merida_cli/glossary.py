"""Spanish search words and the English words the records use for them.

Users type Spanish ("guardia nacional", "soberanía", "huachicol"); most records
are written in English. Keys and values are folded (no accents, lower case).
"""

SPANISH = {
    "acuerdo": "agreement", "aduanas": "customs", "armas": "arms firearms weapons",
    "bicentenario": "bicentennial", "capos": "kingpins", "carteles": "cartels",
    "combustible": "fuel", "comunidades": "communities", "cooperacion": "cooperation",
    "corrupcion": "corruption", "delincuencia": "crime", "derechos": "rights",
    "desaparecidos": "disappeared disappearances missing", "dinero": "money",
    "drogas": "drugs", "ejercito": "army military", "estrategia": "strategy",
    "extorsion": "extortion", "extradicion": "extradition", "extradiciones": "extraditions",
    "fentanilo": "fentanyl", "financiamiento": "funding", "fiscalia": "prosecutor attorney",
    "frontera": "border", "fronteriza": "border", "guardia": "guard", "homicidios": "homicides",
    "huachicol": "fuel theft", "huachicoleo": "fuel theft", "humanos": "human",
    "iniciativa": "initiative", "jovenes": "youth", "jueces": "judges", "justicia": "justice",
    "laboratorios": "labs laboratories", "lavado": "laundering", "marco": "framework",
    "marina": "navy", "metas": "goals", "migracion": "migration", "migrantes": "migrants",
    "nacional": "national", "narcotrafico": "drug trafficking", "objetivos": "objectives",
    "pilares": "pillars", "policia": "police", "precursores": "precursors",
    "presupuesto": "budget", "prevencion": "prevention", "publica": "public",
    "recompensa": "reward", "recompensas": "rewards", "reforma": "reform", "robo": "theft",
    "salud": "health", "secuestro": "kidnapping", "seguridad": "security",
    "soberania": "sovereignty", "trafico": "trafficking", "tribunales": "courts",
    "victimas": "victims", "violencia": "violence",
}
