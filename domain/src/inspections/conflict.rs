//! Declared conflicts of interest, sealed (`aqxc-draw/2`).
//!
//! An inspector's declaration "I am related to this enterprise" decides who may inspect it, so a
//! verifier must know it, but the relationship itself is private. The snapshot therefore holds,
//! per declaration, only a salted digest `SHA-256("aqxc-conflict/1\n" salt "\n" 执法证号 "\n"
//! 统一社会信用代码)`, committed with the snapshot before any random value is known. The
//! bureau keeps the openings (certificate, enterprise, salt). The public record opens only the
//! declarations that concern a selected enterprise, which is all a re-run of the teams needs;
//! an auditor may be shown the rest on request, each checkable against its digest.
//!
//! The bureau cannot invent a conflict after the draw (an opening must match a committed
//! digest) nor hide one that mattered (the re-run would then pick a different team).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    draw::{Assignment, Snapshot, hex},
    uscc::Uscc,
};

/// The declarations of one inspector, as a snapshot records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflicts {
    /// `aqxc-draw/1`: the enterprises themselves, in the clear.
    #[serde(rename = "declared_conflicts")]
    Plain(Vec<Uscc>),
    /// `aqxc-draw/2`: one salted digest per declaration.
    #[serde(rename = "conflict_digests")]
    Sealed(Vec<String>),
}

impl Conflicts {
    /// How many declarations there are (the count is public in both forms).
    pub fn len(&self) -> usize {
        match self {
            Conflicts::Plain(list) => list.len(),
            Conflicts::Sealed(list) => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn sort(&mut self) {
        match self {
            Conflicts::Plain(list) => list.sort(),
            Conflicts::Sealed(list) => list.sort(),
        }
    }
}

/// What opens one sealed declaration.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Opening {
    pub certificate: String,
    pub uscc: Uscc,
    /// 32 lower-case hex digits of fresh randomness.
    pub salt: String,
}

impl Opening {
    /// The digest this opening must match in the snapshot.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            "aqxc-conflict/1",
            &self.salt,
            &self.certificate,
            self.uscc.as_str(),
        ] {
            hasher.update(part.as_bytes());
            hasher.update(b"\n");
        }
        hex(&hasher.finalize())
    }
}

/// Seals one inspector's declarations: the digests for the snapshot and the openings to keep.
/// `salt` gives 16 fresh random bytes per call (the browser-free caller's own source).
pub fn seal(
    certificate: &str,
    declared: &[Uscc],
    salt: &mut dyn FnMut() -> [u8; 16],
) -> (Conflicts, Vec<Opening>) {
    let openings: Vec<Opening> = declared
        .iter()
        .map(|uscc| Opening {
            certificate: certificate.to_owned(),
            uscc: uscc.clone(),
            salt: hex(&salt()),
        })
        .collect();
    let mut digests: Vec<String> = openings.iter().map(Opening::digest).collect();
    digests.sort();
    (Conflicts::Sealed(digests), openings)
}

/// The openings a public record carries: those concerning a selected enterprise, in order.
pub fn openings_for(openings: &[Opening], assignments: &[Assignment]) -> Vec<Opening> {
    let selected: HashSet<&Uscc> = assignments.iter().map(|a| &a.uscc).collect();
    let mut shown: Vec<Opening> = openings
        .iter()
        .filter(|o| selected.contains(&o.uscc))
        .cloned()
        .collect();
    shown.sort();
    shown
}

/// The openings that match no digest of the inspector they name: a record carrying any is not
/// the one committed to.
pub fn unmatched<'o>(snapshot: &Snapshot, openings: &'o [Opening]) -> Vec<&'o Opening> {
    let sealed: HashMap<&str, &[String]> = snapshot
        .inspectors
        .iter()
        .filter_map(|i| match &i.conflicts {
            Conflicts::Sealed(digests) => Some((i.certificate.as_str(), digests.as_slice())),
            Conflicts::Plain(_) => None,
        })
        .collect();
    openings
        .iter()
        .filter(|opening| {
            !sealed
                .get(opening.certificate.as_str())
                .is_some_and(|digests| digests.contains(&opening.digest()))
        })
        .collect()
}

/// The format of the file an auditor is given: every opening of one draw.
pub const AUDITOR_FORMAT: &str = "aqxc-declarations/1";

/// Every declaration of a draw, opened, for an auditor (never published).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditorFile {
    pub format: String,
    pub draw_id: i64,
    pub snapshot_digest: String,
    pub openings: Vec<Opening>,
}

/// What an auditor's check found: the openings that match no sealed digest, and how many sealed
/// digests no opening opens (both zero when the bureau showed every declaration as committed).
pub fn audit(snapshot: &Snapshot, openings: &[Opening]) -> (usize, usize) {
    let unmatched = unmatched(snapshot, openings).len();
    let opened: HashSet<String> = openings.iter().map(Opening::digest).collect();
    let unopened = snapshot
        .inspectors
        .iter()
        .filter_map(|i| match &i.conflicts {
            Conflicts::Sealed(digests) => Some(digests),
            Conflicts::Plain(_) => None,
        })
        .flatten()
        .filter(|digest| !opened.contains(*digest))
        .count();
    (unmatched, unopened)
}

/// Every declaration a draw knows of, as (执法证号, enterprise) pairs: the clear ones of a
/// `/1` snapshot and the opened ones of a `/2` snapshot that match their digests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declared(HashMap<String, HashSet<Uscc>>);

impl Declared {
    pub fn new(snapshot: &Snapshot, openings: &[Opening]) -> Declared {
        let mut declared: HashMap<String, HashSet<Uscc>> = HashMap::new();
        let mut add = |certificate: &str, uscc: &Uscc| {
            declared
                .entry(certificate.to_owned())
                .or_default()
                .insert(uscc.clone());
        };
        for inspector in &snapshot.inspectors {
            if let Conflicts::Plain(list) = &inspector.conflicts {
                for uscc in list {
                    add(&inspector.certificate, uscc);
                }
            }
        }
        let unmatched = unmatched(snapshot, openings);
        for opening in openings {
            if !unmatched.contains(&opening) {
                add(&opening.certificate, &opening.uscc);
            }
        }
        Declared(declared)
    }

    /// Asked once per inspector and selected enterprise: no allocation.
    pub fn contains(&self, certificate: &str, uscc: &Uscc) -> bool {
        self.0
            .get(certificate)
            .is_some_and(|set| set.contains(uscc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspections::draw::tests::{code, inspector};

    fn counter() -> impl FnMut() -> [u8; 16] {
        let mut n = 0u8;
        move || {
            n += 1;
            [n; 16]
        }
    }

    fn sealed_snapshot() -> (Snapshot, Vec<Opening>) {
        let mut salt = counter();
        let mut a = inspector("A001", "水口镇");
        let (conflicts, mut openings) = seal("A001", &[code(1), code(2)], &mut salt);
        a.conflicts = conflicts;
        let mut b = inspector("A002", "水口镇");
        let (conflicts, more) = seal("A002", &[code(3)], &mut salt);
        b.conflicts = conflicts;
        openings.extend(more);
        let snapshot = Snapshot {
            enterprises: vec![],
            inspectors: vec![a, b],
        }
        .canonical();
        (snapshot, openings)
    }

    #[test]
    fn the_snapshot_names_no_enterprise_and_each_opening_matches_its_digest() {
        let (snapshot, openings) = sealed_snapshot();
        let json = serde_json::to_string(&snapshot).unwrap();
        for opening in &openings {
            assert!(!json.contains(opening.uscc.as_str()));
            assert!(json.contains(&opening.digest()));
        }
        assert!(unmatched(&snapshot, &openings).is_empty());
        let declared = Declared::new(&snapshot, &openings);
        assert!(declared.contains("A001", &code(2)));
        assert!(!declared.contains("A002", &code(2)));
    }

    #[test]
    fn an_opening_that_was_not_committed_is_caught_and_ignored() {
        let (snapshot, openings) = sealed_snapshot();
        let forged = Opening {
            certificate: "A002".into(),
            uscc: code(1),
            salt: openings[0].salt.clone(),
        };
        let moved = Opening {
            certificate: "A002".into(),
            ..openings[0].clone()
        };
        let given = [forged, moved];
        assert_eq!(unmatched(&snapshot, &given).len(), 2);
        assert!(!Declared::new(&snapshot, &given).contains("A002", &code(1)));
    }

    #[test]
    fn an_auditor_sees_every_declaration_open_or_what_is_missing() {
        let (snapshot, openings) = sealed_snapshot();
        assert_eq!(audit(&snapshot, &openings), (0, 0));
        assert_eq!(audit(&snapshot, &openings[1..]), (0, 1));
    }

    #[test]
    fn the_record_opens_only_declarations_about_selected_enterprises() {
        let (_, openings) = sealed_snapshot();
        let selected = [Assignment {
            uscc: code(2),
            stratum: "全部".into(),
            team: vec![],
        }];
        let shown = openings_for(&openings, &selected);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].uscc, code(2));
    }

    #[test]
    fn a_first_format_inspector_serializes_exactly_as_before() {
        // The digest of every `/1` snapshot already published depends on these bytes.
        let mut plain = inspector("A001", "水口镇");
        plain.conflicts = Conflicts::Plain(vec![code(1)]);
        let json = serde_json::to_string(&plain).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"certificate":"A001","name":"检查员A001","unit":"开平市应急管理局安全生产执法大队","town":"水口镇","active":true,"declared_conflicts":["{}"]}}"#,
                code(1)
            )
        );
        let back: crate::inspections::draw::SnapshotInspector =
            serde_json::from_str(&json).unwrap();
        assert_eq!(back, plain);
    }
}
