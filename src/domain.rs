//! The shared vocabulary of the value chain: words that the input, the engine and the
//! reports all use, kept apart so that none of them has to import another for them.

/// A stage of the value chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Extraction of ores, minerals or concentrates.
    Extraction,
    /// Processing, all intermediate steps included.
    Processing,
    /// Recycling from waste.
    Recycling,
}

impl Stage {
    /// The three stages, in value-chain order.
    pub const ALL: [Stage; 3] = [Stage::Extraction, Stage::Processing, Stage::Recycling];

    /// The word used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Extraction => "extraction",
            Stage::Processing => "processing",
            Stage::Recycling => "recycling",
        }
    }

    /// The stage named `name` in a file.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The past participle for sentences ("extracted", "processed", "recycled").
    pub fn participle(self) -> &'static str {
        match self {
            Stage::Extraction => "extracted",
            Stage::Processing => "processed",
            Stage::Recycling => "recycled",
        }
    }

    /// The stage's position in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How the denominator of a material's shares was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The stated annual consumption.
    Consumption,
    /// The sum of the supply lines (no consumption given).
    Supplies,
    /// A total over materials, some with consumption and some without.
    Mixed,
}
