//! Drawing a paper from the bank: which questions, in which order, with which option order.
//! Random but reproducible: everything follows from a seed the server keeps with the attempt,
//! so an attempt can be re-examined later.

use serde::{Deserialize, Serialize};

use super::bank::{Kind, Question};

/// Part of a paper drawn from a subset of the bank (a topic, a difficulty, or both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub topic: Option<String>,
    pub difficulty: Option<u8>,
    pub count: usize,
}

/// One question of a paper: its id and the order its options are shown in
/// (`order[i]` is the bank index of the option shown at position `i`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperQuestion {
    pub id: String,
    pub order: Vec<usize>,
}

/// A question as the participant sees it: no answer, no explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownQuestion {
    /// In an attempt, the question's handle within that attempt ([`handle`]), never its bank
    /// id, so nothing sent to the browser names a question that another endpoint could be
    /// asked about. In practice mode, the bank id.
    pub id: String,
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaperError {
    #[error("题库中符合“{what}”的题只有 {has} 道，不够抽 {asked} 道")]
    NotEnough {
        what: String,
        asked: usize,
        has: usize,
    },
    #[error("至少要抽 1 道题")]
    Empty,
}

/// SplitMix64: small, fast and the same everywhere; not for secrets (the seed is the secret).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `bound` (> 0), without modulo bias.
    pub fn below(&mut self, bound: usize) -> usize {
        let bound = bound as u64;
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % bound) as usize;
            }
        }
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Draws `count` questions: first each quota from its subset, then the rest from the whole
/// bank, never the same question twice; shuffles the questions and (except 判断题) the options.
pub fn draw(
    bank: &[Question],
    count: usize,
    quotas: &[Quota],
    seed: u64,
) -> Result<Vec<PaperQuestion>, PaperError> {
    if count == 0 {
        return Err(PaperError::Empty);
    }
    let mut rng = Rng::new(seed);
    let mut available: Vec<&Question> = bank.iter().collect();
    let mut chosen: Vec<&Question> = Vec::with_capacity(count);
    let mut take = |matches: &dyn Fn(&Question) -> bool, asked: usize, what: String| {
        let mut pool: Vec<usize> = (0..available.len())
            .filter(|&i| matches(available[i]))
            .collect();
        if pool.len() < asked {
            return Err(PaperError::NotEnough {
                what,
                asked,
                has: pool.len(),
            });
        }
        rng.shuffle(&mut pool);
        let mut picked: Vec<usize> = pool.into_iter().take(asked).collect();
        picked.sort_unstable_by(|a, b| b.cmp(a));
        for index in picked {
            chosen.push(available.remove(index));
        }
        Ok(())
    };
    let mut quota_total = 0;
    for quota in quotas {
        quota_total += quota.count;
        let what = match (&quota.topic, quota.difficulty) {
            (Some(t), Some(d)) => format!("{t}、难度 {d}"),
            (Some(t), None) => t.clone(),
            (None, Some(d)) => format!("难度 {d}"),
            (None, None) => "全部".into(),
        };
        let topic = quota.topic.clone();
        let difficulty = quota.difficulty;
        take(
            &move |q: &Question| {
                topic.as_ref().is_none_or(|t| &q.topic == t)
                    && difficulty.is_none_or(|d| q.difficulty == d)
            },
            quota.count,
            what,
        )?;
    }
    take(&|_| true, count.saturating_sub(quota_total), "全部".into())?;
    rng.shuffle(&mut chosen);
    Ok(chosen
        .into_iter()
        .map(|q| {
            let mut order: Vec<usize> = (0..q.options.len()).collect();
            if q.kind != Kind::Judge {
                rng.shuffle(&mut order);
            }
            PaperQuestion {
                id: q.id.clone(),
                order,
            }
        })
        .collect())
}

/// The handle of the question at `position` (from 0) of an attempt: `#1`, `#2` … (a bank id
/// never contains `#`, so a handle can never be taken for one).
pub fn handle(position: usize) -> String {
    format!("#{}", position + 1)
}

/// What the participant of an attempt is shown of its paper, each question named by its
/// [`handle`].
pub fn shown_paper(pairs: &[(&Question, &PaperQuestion)]) -> Vec<ShownQuestion> {
    pairs
        .iter()
        .enumerate()
        .map(|(position, (question, paper))| ShownQuestion {
            id: handle(position),
            ..shown(question, paper)
        })
        .collect()
}

/// What is shown of a question with its options in the paper's order (practice mode keeps
/// the bank id).
pub fn shown(question: &Question, paper: &PaperQuestion) -> ShownQuestion {
    ShownQuestion {
        id: question.id.clone(),
        kind: question.kind,
        stem: question.stem.clone(),
        options: paper
            .order
            .iter()
            .map(|&i| question.options[i].clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn bank() -> Vec<Question> {
        (0..30)
            .map(|n| Question {
                id: format!("q{n}"),
                topic: if n < 10 { "消防" } else { "燃气" }.into(),
                kind: if n % 3 == 0 {
                    Kind::Judge
                } else {
                    Kind::Single
                },
                difficulty: (n % 3 + 1) as u8,
                stem: format!("题{n}"),
                options: if n % 3 == 0 {
                    vec!["正确".into(), "错误".into()]
                } else {
                    vec!["甲".into(), "乙".into(), "丙".into(), "丁".into()]
                },
                answer: vec![0],
                explanation: "解析".into(),
                source: "出处".into(),
                contest_only: false,
            })
            .collect()
    }

    #[test]
    fn a_paper_has_distinct_questions_and_meets_its_quotas() {
        let quotas = [Quota {
            topic: Some("消防".into()),
            difficulty: None,
            count: 4,
        }];
        let paper = draw(&bank(), 12, &quotas, 42).unwrap();
        assert_eq!(paper.len(), 12);
        let ids: std::collections::HashSet<_> = paper.iter().map(|p| &p.id).collect();
        assert_eq!(ids.len(), 12);
        let fire = paper
            .iter()
            .filter(|p| p.id[1..].parse::<u32>().unwrap() < 10)
            .count();
        assert!(fire >= 4);
    }

    #[test]
    fn the_same_seed_gives_the_same_paper_and_another_seed_another() {
        assert_eq!(
            draw(&bank(), 10, &[], 7).unwrap(),
            draw(&bank(), 10, &[], 7).unwrap()
        );
        assert_ne!(
            draw(&bank(), 10, &[], 7).unwrap(),
            draw(&bank(), 10, &[], 8).unwrap()
        );
    }

    #[test]
    fn options_are_shuffled_but_judge_options_keep_their_order() {
        let bank = bank();
        let paper = draw(&bank, 30, &[], 3).unwrap();
        let mut moved = false;
        for p in &paper {
            let q = bank.iter().find(|q| q.id == p.id).unwrap();
            let mut sorted = p.order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..q.options.len()).collect::<Vec<_>>());
            if q.kind == Kind::Judge {
                assert_eq!(p.order, vec![0, 1]);
            } else if p.order != vec![0, 1, 2, 3] {
                moved = true;
            }
        }
        assert!(moved);
    }

    #[test]
    fn an_attempt_names_its_questions_by_position_never_by_bank_id() {
        let bank = bank();
        let paper = draw(&bank, 5, &[], 9).unwrap();
        let questions: Vec<&Question> = paper
            .iter()
            .map(|p| bank.iter().find(|q| q.id == p.id).unwrap())
            .collect();
        let pairs: Vec<_> = questions.iter().copied().zip(paper.iter()).collect();
        let shown = shown_paper(&pairs);
        let handles: Vec<&str> = shown.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(handles, ["#1", "#2", "#3", "#4", "#5"]);
        assert!(shown.iter().all(|s| !bank.iter().any(|q| q.id == s.id)));
        assert_eq!(shown[0].stem, questions[0].stem);
    }

    #[test]
    fn asking_for_more_than_the_bank_has_is_refused() {
        let quotas = [Quota {
            topic: Some("消防".into()),
            difficulty: Some(1),
            count: 9,
        }];
        assert!(matches!(
            draw(&bank(), 10, &quotas, 1),
            Err(PaperError::NotEnough { asked: 9, .. })
        ));
        assert!(matches!(
            draw(&bank(), 31, &[], 1),
            Err(PaperError::NotEnough { .. })
        ));
    }
}
