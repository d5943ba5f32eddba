//! Server functions behind the public inspection pages. They only ever return public fields:
//! the commitment before the reveal, the list and teams after it, results once published.

use crate::foundation::error::AppError;
use leptos::prelude::*;

use super::{
    ChainEntry, CheckItem, DrawDetail, DrawSummary, EnterpriseHit, PublicInspector, Statistics,
};

#[cfg(feature = "ssr")]
use crate::foundation::server_support::pool;

#[server(prefix = "/api", endpoint = "check_items")]
pub async fn check_items() -> Result<Vec<CheckItem>, AppError> {
    Ok(super::store::check_items(&pool()?).await?)
}

#[server(prefix = "/api", endpoint = "inspector_registry")]
pub async fn inspector_registry() -> Result<Vec<PublicInspector>, AppError> {
    Ok(super::store::public_inspectors(&pool()?).await?)
}

#[server(prefix = "/api", endpoint = "draws")]
pub async fn draws() -> Result<Vec<DrawSummary>, AppError> {
    Ok(super::store::list_draws(&pool()?).await?)
}

#[server(prefix = "/api", endpoint = "draw")]
pub async fn draw(id: i64) -> Result<Option<DrawDetail>, AppError> {
    let memos = crate::memo::memos()?;
    Ok(super::store::public_detail(&pool()?, &memos, id).await?)
}

#[server(prefix = "/api", endpoint = "enterprise_search")]
pub async fn find_enterprises(query: String) -> Result<Vec<EnterpriseHit>, AppError> {
    let query: String = query.trim().chars().take(50).collect();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::store::search_enterprises(&pool()?, &query).await?)
}

#[server(prefix = "/api", endpoint = "inspection_statistics")]
pub async fn inspection_statistics() -> Result<Statistics, AppError> {
    Ok(super::store::statistics(&pool()?).await?)
}

/// The whole draw log, and where it is broken if it is.
#[server(prefix = "/api", endpoint = "draw_log")]
pub async fn draw_log() -> Result<(Vec<ChainEntry>, Option<String>), AppError> {
    let entries = super::store::log(&pool()?).await?;
    let broken = domain::inspections::chain::verify_chain(&entries)
        .err()
        .map(|b| b.to_string());
    Ok((entries, broken))
}
