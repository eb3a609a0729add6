//! Fingerprints: what identifies a finding across runs, for CI systems that track findings
//! from commit to commit (SARIF's `partialFingerprints`, GitLab's `fingerprint`).
//!
//! A fingerprint never depends on where the finding is written (its line) or on its numbers
//! (a share that moves from 68% to 70% is the same finding). For a rule's finding it is the
//! file, the rule, the material (with its grade), the stage and the country; for anything
//! else the file, the code and the message. It is hashed with 64-bit FNV-1a, which is fixed
//! by its definition and so stable across platforms and releases, and followed by `:n`, the
//! occurrence of that identity in the report (`:1` but for exact repeats), so that
//! fingerprints are unique within a report.

use std::collections::HashMap;
use std::hash::Hasher;

use super::{Entry, repository_path};

/// The fingerprints of one report, numbering repeats of an identity.
#[derive(Debug, Default)]
pub struct Fingerprints {
    seen: HashMap<u64, usize>,
}

impl Fingerprints {
    /// The fingerprint of the next entry: `hash:occurrence`, such as `9f0c…e2a1:1`.
    pub fn next(&mut self, entry: &Entry<'_>) -> String {
        let hash = hash(&identity(entry));
        let occurrence = self.seen.entry(hash).or_insert(0);
        *occurrence += 1;
        format!("{hash:016x}:{occurrence}")
    }
}

/// What an entry is about, without where it is.
fn identity(entry: &Entry<'_>) -> String {
    let path = repository_path(&entry.location.path);
    match entry.finding {
        Some(f) if f.check.material.is_some() || f.check.stage.is_some() || f.check.country.is_some() => {
            let (rule, material, stage, country) = f.check.key();
            let stage = stage.map(|s| s.as_str()).unwrap_or_default();
            ["finding", &path, rule, material.unwrap_or_default(), stage, country.unwrap_or_default()].join("\u{1f}")
        }
        _ => ["message", &path, entry.code, &entry.message].join("\u{1f}"),
    }
}

fn hash(text: &str) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn the_hash_is_the_published_fnv_1a() {
        // Reference values of 64-bit FNV-1a: the fingerprints must not change between releases.
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }
}
