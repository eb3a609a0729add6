//! What a baseline says of a finding: whether it was already there (`--baseline`, or the old
//! version of a file in `crma-check diff`), and whether its value got worse since.

use super::Measure;

/// A finding compared with a baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Baselined {
    /// How it compares.
    pub state: BaselineState,
    /// The value the baseline recorded for it, where there is one.
    pub was: Option<Measure>,
    /// How it compares, in words, where `--baseline` said it ("baselined: in the baseline
    /// at 72.0%, unchanged"); empty otherwise. It also leads the finding's notes, for the
    /// formats that list notes; the formats that show it apart read it here.
    pub words: String,
}

impl Baselined {
    /// Whether the finding still counts towards the exit status: it is new, or worse than
    /// the baseline by more than the tolerance.
    pub fn fails(&self) -> bool {
        self.state.fails()
    }
}

/// How a finding compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineState {
    /// Not in the baseline: it counts as usual.
    New,
    /// In the baseline with the same value.
    Unchanged,
    /// In the baseline, and better now (a lower share under a maximum, a higher one over a
    /// minimum).
    Improved,
    /// In the baseline, and worse now, but by no more than the tolerance.
    Tolerated,
    /// In the baseline, and worse now by more than the tolerance: it counts again.
    Worsened,
}

impl BaselineState {
    /// Every state, in the order above.
    pub const ALL: [BaselineState; 5] = [
        BaselineState::New,
        BaselineState::Unchanged,
        BaselineState::Improved,
        BaselineState::Tolerated,
        BaselineState::Worsened,
    ];

    /// Whether a finding in this state counts towards the exit status.
    pub fn fails(self) -> bool {
        matches!(self, BaselineState::New | BaselineState::Worsened)
    }

    /// An identifier for machine formats (`worsened`).
    pub fn id(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Improved => "improved",
            BaselineState::Tolerated => "tolerated",
            BaselineState::Worsened => "worsened",
        }
    }
}
