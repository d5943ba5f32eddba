//! The editorial workflow (采、编、审、发) as a plain state machine: which step may follow
//! which, and who may take it. The server checks every step against it.

use serde::{Deserialize, Serialize};

use crate::staff::Role;

/// Where an article stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written (also: sent back by a reviewer).
    Draft,
    /// Waiting for a reviewer.
    Submitted,
    /// Approved, to appear at its publication time.
    Scheduled,
    /// Public.
    Published,
    /// Taken down after publication.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Scheduled,
        Status::Published,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "待审核",
            Status::Scheduled => "定时发布",
            Status::Published => "已发布",
            Status::Withdrawn => "已撤回",
        }
    }
}

/// A step of the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// An editor hands the draft to the reviewers.
    Submit,
    /// A reviewer publishes it now.
    Publish,
    /// A reviewer approves it for a later time.
    Schedule,
    /// A reviewer sends it back with a comment.
    Return,
    /// A reviewer takes a public article down.
    Withdraw,
}

/// Why a step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepRefused {
    #[error("您没有执行此操作的权限")]
    NotAllowed,
    #[error("文章当前的状态不能执行此操作")]
    WrongStatus,
}

/// The status after `step`, if someone with `roles` may take it from `from`.
pub fn take(from: Status, step: Step, roles: &[Role]) -> Result<Status, StepRefused> {
    let reviewer = roles.contains(&Role::Reviewer);
    let writer = reviewer || roles.contains(&Role::Editor);
    let (allowed_from, to, needs_reviewer): (&[Status], Status, bool) = match step {
        Step::Submit => (
            &[Status::Draft, Status::Withdrawn],
            Status::Submitted,
            false,
        ),
        Step::Publish => (&[Status::Submitted], Status::Published, true),
        Step::Schedule => (&[Status::Submitted], Status::Scheduled, true),
        Step::Return => (&[Status::Submitted], Status::Draft, true),
        Step::Withdraw => (
            &[Status::Published, Status::Scheduled],
            Status::Withdrawn,
            true,
        ),
    };
    if !(if needs_reviewer { reviewer } else { writer }) {
        return Err(StepRefused::NotAllowed);
    }
    if !allowed_from.contains(&from) {
        return Err(StepRefused::WrongStatus);
    }
    Ok(to)
}

/// Whether someone with `roles` may change the text of an article in `status`: editors while
/// it is theirs to write (draft, withdrawn), reviewers always.
pub fn may_edit(status: Status, roles: &[Role]) -> bool {
    roles.contains(&Role::Reviewer)
        || (roles.contains(&Role::Editor) && matches!(status, Status::Draft | Status::Withdrawn))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDITOR: &[Role] = &[Role::Editor];
    const REVIEWER: &[Role] = &[Role::Reviewer];

    #[test]
    fn an_editor_submits_and_a_reviewer_publishes() {
        assert_eq!(
            take(Status::Draft, Step::Submit, EDITOR),
            Ok(Status::Submitted)
        );
        assert_eq!(
            take(Status::Submitted, Step::Publish, REVIEWER),
            Ok(Status::Published)
        );
        assert_eq!(
            take(Status::Submitted, Step::Schedule, REVIEWER),
            Ok(Status::Scheduled)
        );
        assert_eq!(
            take(Status::Submitted, Step::Return, REVIEWER),
            Ok(Status::Draft)
        );
        assert_eq!(
            take(Status::Published, Step::Withdraw, REVIEWER),
            Ok(Status::Withdrawn)
        );
    }

    #[test]
    fn an_editor_cannot_publish_or_withdraw() {
        for step in [Step::Publish, Step::Schedule, Step::Return] {
            assert_eq!(
                take(Status::Submitted, step, EDITOR),
                Err(StepRefused::NotAllowed)
            );
        }
        assert_eq!(
            take(Status::Published, Step::Withdraw, EDITOR),
            Err(StepRefused::NotAllowed)
        );
        assert_eq!(
            take(Status::Draft, Step::Submit, &[Role::Admin]),
            Err(StepRefused::NotAllowed)
        );
    }

    #[test]
    fn steps_only_follow_their_own_statuses() {
        assert_eq!(
            take(Status::Draft, Step::Publish, REVIEWER),
            Err(StepRefused::WrongStatus)
        );
        assert_eq!(
            take(Status::Published, Step::Submit, EDITOR),
            Err(StepRefused::WrongStatus)
        );
        assert_eq!(
            take(Status::Draft, Step::Withdraw, REVIEWER),
            Err(StepRefused::WrongStatus)
        );
    }

    #[test]
    fn editors_edit_only_what_is_still_theirs() {
        assert!(may_edit(Status::Draft, EDITOR));
        assert!(may_edit(Status::Withdrawn, EDITOR));
        assert!(!may_edit(Status::Submitted, EDITOR));
        assert!(!may_edit(Status::Published, EDITOR));
        assert!(may_edit(Status::Published, REVIEWER));
    }
}
