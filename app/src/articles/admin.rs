//! The staff's article area: create, write, save (every save is a version), submit, review,
//! schedule, send back, withdraw, restore. Forms post here and are answered with a redirect;
//! text that cannot be saved as it is (an empty title, say) is kept as a version and shown
//! again, so nothing typed is lost.

use crate::foundation::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{Category, workflow::Status};
use super::{EditableArticle, StaffArticleRow, VersionSummary, VersionView, workflow::Step};

/// Who may work on articles at all.
pub const WRITERS: &[crate::staff::Role] =
    &[crate::staff::Role::Editor, crate::staff::Role::Reviewer];

/// Tags typed as `消防，家庭安全` or `消防, 家庭安全`.
pub fn split_tags(tags: &str) -> Vec<String> {
    let mut list: Vec<String> = tags
        .split([',', '，', '、'])
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    list.dedup();
    list.truncate(10);
    list
}

#[server(prefix = "/api/staff", endpoint = "articles_list")]
pub async fn staff_articles(
    #[server(default)] status: String,
) -> Result<Vec<StaffArticleRow>, AppError> {
    use server::*;
    crate::foundation::access::require(WRITERS)?;
    Ok(super::store::staff_list(&pool()?, Status::parse(&status)).await?)
}

#[server(prefix = "/api/staff", endpoint = "article_edit")]
pub async fn load_for_editing(id: i64) -> Result<Option<EditableArticle>, AppError> {
    use server::*;
    crate::foundation::access::require(WRITERS)?;
    Ok(super::store::editable(&pool()?, id).await?)
}

#[server(prefix = "/api/staff", endpoint = "article_create")]
pub async fn create_article(title: String, slug: String, category: String) -> Result<(), AppError> {
    use server::*;
    staff_form(WRITERS, |staff, pool| async move {
        let title = title.trim().to_string();
        let slug = slug.trim().to_lowercase();
        let back = |error: &str| {
            Ok(Outcome::go(format!(
                "/admin/articles/new?error={error}&title={}&slug={}&category={}",
                encode(&title),
                encode(&slug),
                encode(&category)
            )))
        };
        let Some(chosen) = Category::from_name(&category) else {
            return back("category");
        };
        if title.is_empty() || title.chars().count() > 100 {
            return back("title");
        }
        if domain::article::Slug::parse(&slug).is_err() {
            return back("slug");
        }
        if super::store::slug_taken(&pool, &slug).await? {
            return back("slug_taken");
        }
        let text = super::store::ArticleText {
            title: &title,
            category: chosen,
            tags: &[],
            summary: "",
            body_md: "",
        };
        let by = (staff.id, staff.display_name.as_str());
        let created =
            super::store::create_draft(&pool, &slug, &text, by, crate::foundation::clock::now())
                .await;
        // The check above leaves a moment in which another editor may take the slug.
        let id = match created {
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return back("slug_taken");
            }
            created => created?,
        };
        Ok(Outcome::done(
            crate::foundation::audit::Action::ArticleCreated,
            slug.clone(),
            title.clone(),
            format!("/admin/articles/{id}?done=created"),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "article_save")]
pub async fn save_article(
    id: i64,
    title: String,
    category: String,
    #[server(default)] tags: String,
    #[server(default)] summary: String,
    #[server(default)] body: String,
) -> Result<(), AppError> {
    use server::*;
    staff_form(WRITERS, |staff, pool| async move {
        let Some(article) = super::store::editable(&pool, id).await? else {
            return Ok(Outcome::go("/admin/articles?error=not_found"));
        };
        if !super::workflow::may_edit(article.status, &staff.roles) {
            return Ok(Outcome::go(format!(
                "/admin/articles/{id}?error=not_editable"
            )));
        }
        let now = crate::foundation::clock::now();
        let tags = split_tags(&tags);
        let category = Category::from_name(&category).unwrap_or(article.category);
        let body = body.replace("\r\n", "\n");
        let title = title.trim();
        let summary = if summary.trim().is_empty() {
            domain::markdown::render(&body).summary()
        } else {
            summary.trim().to_string()
        };
        let text = super::store::ArticleText {
            title,
            category,
            tags: &tags,
            summary: &summary,
            body_md: &body,
        };
        let problem = if title.is_empty() || title.chars().count() > 100 {
            Some("title")
        } else if body.trim().is_empty() {
            Some("body")
        } else if summary.chars().count() > 200 {
            Some("summary")
        } else {
            None
        };
        let by = staff.display_name.as_str();
        if let Some(problem) = problem {
            // Kept as typed, so nothing is lost; the page offers it back.
            let kept = super::store::keep_version(&pool, id, &text, by, now, "rejected").await?;
            return Ok(Outcome::go(format!(
                "/admin/articles/{id}?error={problem}&version={kept}"
            )));
        }
        super::store::update_text(&pool, id, &text, by, now, "save").await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::ArticleSaved,
            article.slug,
            "",
            format!("/admin/articles/{id}?done=saved"),
        ))
    })
    .await
}

/// Keeps what is in the editor as an `autosave` version, without changing the article (so an
/// unfinished edit never reaches a published page); `历史版本` can restore it. Returns the
/// time it was kept.
#[server(prefix = "/api/staff", endpoint = "article_autosave")]
pub async fn autosave_article(
    id: i64,
    title: String,
    category: String,
    tags: String,
    summary: String,
    body: String,
) -> Result<i64, AppError> {
    use server::*;
    let staff = crate::foundation::access::require(WRITERS)?;
    let pool = pool()?;
    let Some(article) = super::store::editable(&pool, id).await? else {
        return Err(AppError::refused("文章不存在"));
    };
    if !super::workflow::may_edit(article.status, &staff.roles) {
        return Err(AppError::refused("文章正在审核或已发布，不能修改"));
    }
    let tags = split_tags(&tags);
    let text = super::store::ArticleText {
        title: title.trim(),
        category: Category::from_name(&category).unwrap_or(article.category),
        tags: &tags,
        summary: summary.trim(),
        body_md: &body.replace("\r\n", "\n"),
    };
    let now = crate::foundation::clock::now();
    super::store::keep_version(&pool, id, &text, &staff.display_name, now, "autosave").await?;
    Ok(now)
}

#[server(prefix = "/api/staff", endpoint = "article_step")]
pub async fn article_step(
    id: i64,
    step: Step,
    #[server(default)] publish_at: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use server::*;
    staff_form(WRITERS, |staff, pool| async move {
        let Some(article) = super::store::editable(&pool, id).await? else {
            return Ok(Outcome::go("/admin/articles?error=not_found"));
        };
        let back = |error: &str| Ok(Outcome::go(format!("/admin/articles/{id}?error={error}")));
        let next = match super::workflow::take(article.status, step, &staff.roles) {
            Ok(next) => next,
            Err(super::workflow::StepRefused::NotAllowed) => return Err(AppError::Forbidden),
            Err(super::workflow::StepRefused::WrongStatus) => return back("wrong_status"),
        };
        let now = crate::foundation::clock::now();
        let comment = comment.trim().to_string();
        let (published_at, review_comment, reviewer) = match step {
            Step::Submit => (None, Some(String::new()), None),
            Step::Publish => (Some(now), Some(String::new()), Some(staff.id)),
            Step::Schedule => {
                let Some(at) = crate::foundation::clock::parse_beijing(&publish_at) else {
                    return back("bad_time");
                };
                if at <= now {
                    return back("past_time");
                }
                (Some(at), Some(String::new()), Some(staff.id))
            }
            Step::Return => {
                if comment.is_empty() {
                    return back("comment_required");
                }
                (None, Some(comment.clone()), Some(staff.id))
            }
            Step::Withdraw => (None, None, Some(staff.id)),
        };
        let review = review_comment.as_deref();
        super::store::set_status(&pool, id, next, published_at, review, reviewer, now).await?;
        let action = match step {
            Step::Submit => crate::foundation::audit::Action::ArticleSubmitted,
            Step::Publish => crate::foundation::audit::Action::ArticlePublished,
            Step::Schedule => crate::foundation::audit::Action::ArticleScheduled,
            Step::Return => crate::foundation::audit::Action::ArticleReturned,
            Step::Withdraw => crate::foundation::audit::Action::ArticleWithdrawn,
        };
        let detail = match step {
            Step::Schedule => published_at
                .map(crate::foundation::clock::format_beijing)
                .unwrap_or_default(),
            _ => comment,
        };
        Ok(Outcome::done(
            action,
            article.slug,
            detail,
            format!("/admin/articles/{id}?done={}", next.as_str()),
        ))
    })
    .await
}

#[server(prefix = "/api/staff", endpoint = "article_versions")]
pub async fn article_versions(id: i64) -> Result<Vec<VersionSummary>, AppError> {
    use server::*;
    crate::foundation::access::require(WRITERS)?;
    Ok(super::store::versions(&pool()?, id).await?)
}

#[server(prefix = "/api/staff", endpoint = "article_version")]
pub async fn article_version(id: i64, version: i64) -> Result<Option<VersionView>, AppError> {
    use server::*;
    crate::foundation::access::require(WRITERS)?;
    Ok(super::store::version(&pool()?, id, version).await?)
}

#[server(prefix = "/api/staff", endpoint = "article_restore")]
pub async fn restore_version(id: i64, version: i64) -> Result<(), AppError> {
    use server::*;
    staff_form(WRITERS, |staff, pool| async move {
        let (Some(article), Some(old)) = (
            super::store::editable(&pool, id).await?,
            super::store::version(&pool, id, version).await?,
        ) else {
            return Ok(Outcome::go("/admin/articles?error=not_found"));
        };
        if !super::workflow::may_edit(article.status, &staff.roles) {
            return Ok(Outcome::go(format!(
                "/admin/articles/{id}?error=not_editable"
            )));
        }
        let tags = split_tags(&old.tags);
        let text = super::store::ArticleText {
            title: &old.title,
            category: old.category,
            tags: &tags,
            summary: &old.summary,
            body_md: &old.body_md,
        };
        let (by, now) = (staff.display_name.as_str(), crate::foundation::clock::now());
        super::store::update_text(&pool, id, &text, by, now, "restore").await?;
        Ok(Outcome::done(
            crate::foundation::audit::Action::ArticleRestored,
            article.slug,
            format!("#{version}"),
            format!("/admin/articles/{id}?done=restored"),
        ))
    })
    .await
}

#[cfg(feature = "ssr")]
mod server {
    pub use crate::foundation::server_support::*;
}

#[cfg(test)]
mod tests {
    use super::split_tags;

    #[test]
    fn tags_split_on_chinese_and_latin_commas() {
        assert_eq!(
            split_tags("消防，家庭安全, 逃生、 "),
            vec!["消防", "家庭安全", "逃生"]
        );
        assert!(split_tags("  ").is_empty());
    }
}
