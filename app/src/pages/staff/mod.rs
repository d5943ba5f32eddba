//! The staff area (`/login`, `/admin/…`). Every page is wrapped in
//! [`StaffGate`](crate::components::staff_gate::StaffGate), which checks the role on the
//! server before rendering anything.

/// Changing one's own password.
pub mod account;
/// The article area: list, editor, workflow, history.
pub mod articles_admin;
/// The audit log (admins).
pub mod audit_log;
/// The contest area: contests, the bank, statistics.
pub mod contests_admin;
/// The staff dashboard: what this person can do.
pub mod dashboard;
/// The inspection area: registries, draws, results.
pub mod inspections_admin;
/// 登录.
pub mod login;
/// Accounts and roles (admins).
pub mod users;
