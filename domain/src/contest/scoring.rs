//! Scoring, the server's alone. Every question weighs the same; the score is out of 100.
//!
//! - 单选题 and 判断题: the one correct option scores in full; anything else scores nothing.
//! - 多选题 (partial credit): all the correct options and nothing else score in full; some of
//!   the correct options and no wrong one score half (少选得一半); any wrong option scores
//!   nothing (错选不得分).
//!
//! Score = round(100 × credits / (2 × questions)), counting full as 2 and half as 1.
//! An attempt is flagged as faster than a human can read when it took less than
//! [`MIN_SECONDS_PER_QUESTION`] seconds per answered question.

use serde::{Deserialize, Serialize};

use super::{
    bank::{Kind, Question},
    paper::PaperQuestion,
};

/// Below this many seconds per answered question, an attempt is flagged for review.
pub const MIN_SECONDS_PER_QUESTION: i64 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credit {
    Full,
    Half,
    None,
}

impl Credit {
    fn points(self) -> u32 {
        match self {
            Credit::Full => 2,
            Credit::Half => 1,
            Credit::None => 0,
        }
    }
}

/// The credit for the options chosen (bank indices) against the correct ones.
pub fn credit(kind: Kind, correct: &[usize], chosen: &[usize]) -> Credit {
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen == correct {
        return Credit::Full;
    }
    if kind == Kind::Multiple && !chosen.is_empty() && chosen.iter().all(|c| correct.contains(c)) {
        return Credit::Half;
    }
    Credit::None
}

/// Why submitted answers cannot be scored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("答案的数量与试卷不符：试卷有 {expected} 道题，提交了 {got} 道")]
    WrongCount { expected: usize, got: usize },
    #[error("第 {0} 题的答案不是本题的选项")]
    NoSuchOption(usize),
    #[error("第 {0} 题是单选或判断题，只能选一个答案")]
    MoreThanOne(usize),
    #[error("第 {0} 题的同一个选项提交了不止一次")]
    Repeated(usize),
}

/// Answers as submitted: for each question of the paper, in order, the positions of the
/// options chosen as they were shown. Checked against the paper before anything is scored:
/// each list holds distinct options of its question (so never more than it has options), and
/// one at most for a single choice or true/false question. A stranger controls these lists;
/// what passes here is what is stored.
pub fn check_answers(
    questions: &[(&Question, &PaperQuestion)],
    answers: &[Vec<usize>],
) -> Result<(), AnswerError> {
    if answers.len() != questions.len() {
        return Err(AnswerError::WrongCount {
            expected: questions.len(),
            got: answers.len(),
        });
    }
    for (number, ((question, paper), chosen)) in questions.iter().zip(answers).enumerate() {
        if chosen.iter().any(|&c| c >= paper.order.len()) {
            return Err(AnswerError::NoSuchOption(number + 1));
        }
        let mut distinct = chosen.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != chosen.len() {
            return Err(AnswerError::Repeated(number + 1));
        }
        if question.kind != Kind::Multiple && distinct.len() > 1 {
            return Err(AnswerError::MoreThanOne(number + 1));
        }
    }
    Ok(())
}

/// The review of one question after submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewed {
    pub credit: Credit,
    /// Positions as shown.
    pub chosen: Vec<usize>,
    /// Positions as shown.
    pub correct: Vec<usize>,
}

/// The score of a checked paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub score: u32,
    pub answered: usize,
    pub reviewed: Vec<Reviewed>,
}

/// Scores answers that [`check_answers`] accepted.
pub fn score(questions: &[(&Question, &PaperQuestion)], answers: &[Vec<usize>]) -> Scored {
    let mut points = 0;
    let mut answered = 0;
    let reviewed: Vec<Reviewed> = questions
        .iter()
        .zip(answers)
        .map(|((question, paper), chosen)| {
            if !chosen.is_empty() {
                answered += 1;
            }
            let as_bank: Vec<usize> = chosen.iter().map(|&c| paper.order[c]).collect();
            let credit = credit(question.kind, &question.answer, &as_bank);
            points += credit.points();
            let mut correct: Vec<usize> = (0..paper.order.len())
                .filter(|&shown| question.answer.contains(&paper.order[shown]))
                .collect();
            correct.sort_unstable();
            let mut chosen = chosen.clone();
            chosen.sort_unstable();
            chosen.dedup();
            Reviewed {
                credit,
                chosen,
                correct,
            }
        })
        .collect();
    let max = 2 * questions.len() as u32;
    let score = (points * 100 + max / 2).checked_div(max).unwrap_or(0);
    Scored {
        score,
        answered,
        reviewed,
    }
}

/// Whether an attempt was answered faster than a person can read.
pub fn too_fast(elapsed_secs: i64, answered: usize) -> bool {
    answered > 0 && elapsed_secs < MIN_SECONDS_PER_QUESTION * answered as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_judge_score_all_or_nothing() {
        assert_eq!(credit(Kind::Single, &[1], &[1]), Credit::Full);
        assert_eq!(credit(Kind::Single, &[1], &[0]), Credit::None);
        assert_eq!(credit(Kind::Judge, &[0], &[]), Credit::None);
    }

    #[test]
    fn multiple_choice_gives_half_for_some_and_none_for_a_wrong_one() {
        assert_eq!(credit(Kind::Multiple, &[0, 2, 3], &[3, 0, 2]), Credit::Full);
        assert_eq!(credit(Kind::Multiple, &[0, 2, 3], &[0, 2]), Credit::Half);
        assert_eq!(credit(Kind::Multiple, &[0, 2, 3], &[0, 1]), Credit::None);
        assert_eq!(
            credit(Kind::Multiple, &[0, 2, 3], &[0, 1, 2, 3]),
            Credit::None
        );
        assert_eq!(credit(Kind::Multiple, &[0, 2], &[]), Credit::None);
    }

    fn question(kind: Kind, answer: Vec<usize>) -> Question {
        Question {
            id: "q".into(),
            topic: "t".into(),
            kind,
            difficulty: 1,
            stem: "s".into(),
            options: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            answer,
            explanation: "e".into(),
            source: "s".into(),
            contest_only: false,
        }
    }

    #[test]
    fn answers_are_mapped_through_the_shown_order_and_scored_out_of_100() {
        let single = question(Kind::Single, vec![0]);
        let multiple = question(Kind::Multiple, vec![1, 2]);
        // Shown reversed: position 3 is bank option 0.
        let paper = PaperQuestion {
            id: "q".into(),
            order: vec![3, 2, 1, 0],
        };
        let questions = [(&single, &paper), (&multiple, &paper)];
        // Right single (position 3), half of the multiple (position 1 = bank 2).
        let answers = vec![vec![3], vec![1]];
        check_answers(&questions, &answers).unwrap();
        let scored = score(&questions, &answers);
        assert_eq!(scored.score, 75);
        assert_eq!(scored.reviewed[1].correct, vec![1, 2]);
        assert_eq!(scored.reviewed[1].credit, Credit::Half);
    }

    #[test]
    fn malformed_answers_are_refused() {
        let single = question(Kind::Single, vec![0]);
        let paper = PaperQuestion {
            id: "q".into(),
            order: vec![0, 1, 2, 3],
        };
        let questions = [(&single, &paper)];
        assert_eq!(
            check_answers(&questions, &[vec![0], vec![1]]),
            Err(AnswerError::WrongCount {
                expected: 1,
                got: 2
            })
        );
        assert_eq!(
            check_answers(&questions, &[vec![4]]),
            Err(AnswerError::NoSuchOption(1))
        );
        assert_eq!(
            check_answers(&questions, &[vec![0, 1]]),
            Err(AnswerError::MoreThanOne(1))
        );
        // A million copies of one option is one option repeated, not an answer.
        assert_eq!(
            check_answers(&questions, &[vec![0; 1_000_000]]),
            Err(AnswerError::Repeated(1))
        );
        let multiple = question(Kind::Multiple, vec![0, 1]);
        let questions = [(&multiple, &paper)];
        assert_eq!(
            check_answers(&questions, &[vec![0, 1, 2, 3, 0]]),
            Err(AnswerError::Repeated(1))
        );
        assert_eq!(check_answers(&questions, &[vec![3, 2, 1, 0]]), Ok(()));
    }

    #[test]
    fn reading_speed_is_checked_per_answered_question() {
        assert!(too_fast(19, 10));
        assert!(!too_fast(20, 10));
        assert!(!too_fast(0, 0));
    }
}
