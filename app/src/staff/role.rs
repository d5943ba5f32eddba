use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// What a staff member may do. A person may hold several roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes articles (采、编).
    Editor,
    /// Approves and publishes articles (审、发).
    Reviewer,
    /// Keeps the registries, runs the draws, records results.
    InspectorAdmin,
    /// Keeps the question bank and runs contests.
    ContestAdmin,
    /// Manages staff accounts and reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Editor,
        Role::Reviewer,
        Role::InspectorAdmin,
        Role::ContestAdmin,
        Role::Admin,
    ];

    /// The name used in the database, on the command line and in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::InspectorAdmin => "inspector_admin",
            Role::ContestAdmin => "contest_admin",
            Role::Admin => "admin",
        }
    }

    /// The name staff read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Editor => "文章编辑",
            Role::Reviewer => "文章审核",
            Role::InspectorAdmin => "抽查管理",
            Role::ContestAdmin => "竞赛管理",
            Role::Admin => "系统管理员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role `{0}` (expected one of: editor, reviewer, inspector_admin, contest_admin, admin)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == name.trim())
            .ok_or_else(|| UnknownRole(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
