/// One article.
pub mod article;
/// 安全宣传: lists of articles (all, by category, by tag).
pub mod articles;
/// 知识竞赛: the safety knowledge contest.
pub mod contest;
/// 首页: the latest of each section.
pub mod home;
/// 双随机抽查: random inspection draws and their results.
pub mod inspections;
/// The page for a path the portal does not have.
pub mod not_found;
/// Searching articles.
pub mod search;
/// The staff area: sign-in, dashboard, accounts, audit log.
pub mod staff;
