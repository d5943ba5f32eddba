//! `app::articles::store`: drafts and versions on the staff side; what the public sees by
//! status and publication time; search; the importer's upsert.

use app::foundation::db::Pool;
use app::{
    articles::{
        ArticleFilter, Category,
        store::{self, ArticleRecord, ArticleText},
        workflow::Status,
    },
    staff::Role,
};

use super::{NOW, fresh_db, staff_user};

const BY: &str = "王芳";

fn text<'a>(title: &'a str, tags: &'a [String], body: &'a str) -> ArticleText<'a> {
    ArticleText {
        title,
        category: Category::News,
        tags,
        summary: "",
        body_md: body,
    }
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

/// A draft saved with `text`, published at `at`; returns its id.
async fn publish(pool: &Pool, editor: i64, slug: &str, text: &ArticleText<'_>, at: i64) -> i64 {
    let id = store::create_draft(pool, slug, text, (editor, BY), at - 10)
        .await
        .unwrap();
    store::update_text(pool, id, text, BY, at - 5, "save")
        .await
        .unwrap();
    store::set_status(
        pool,
        id,
        Status::Published,
        Some(at),
        Some(""),
        Some(editor),
        at,
    )
    .await
    .unwrap();
    id
}

fn slugs(list: &[app::articles::ArticleSummary]) -> Vec<&str> {
    list.iter().map(|a| a.slug.as_str()).collect()
}

async fn public_slugs(pool: &Pool, now: i64) -> Vec<String> {
    let page = store::list(pool, &ArticleFilter::default(), now)
        .await
        .unwrap();
    page.articles.into_iter().map(|a| a.slug).collect()
}

/// The editor's tag list, in a fixed order.
fn sorted_tags(list: &str) -> Vec<&str> {
    let mut tags: Vec<&str> = list.split('，').filter(|t| !t.is_empty()).collect();
    tags.sort_unstable();
    tags
}

#[tokio::test]
async fn a_new_draft_is_seen_by_staff_only() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor]).await;
    assert!(!store::slug_taken(pool, "flood-season").await.unwrap());

    let draft = ArticleText {
        category: Category::Notices,
        ..text("汛期安全提示", &[], "")
    };
    let id = store::create_draft(pool, "flood-season", &draft, (editor, BY), NOW)
        .await
        .unwrap();
    assert!(store::slug_taken(pool, "flood-season").await.unwrap());
    assert!(!store::slug_taken(pool, "flood").await.unwrap());

    let editable = store::editable(pool, id).await.unwrap().unwrap();
    assert_eq!(editable.slug, "flood-season");
    assert_eq!(editable.title, "汛期安全提示");
    assert_eq!(editable.category, Category::Notices);
    assert_eq!(editable.status, Status::Draft);
    assert_eq!((editable.tags.as_str(), editable.published_at), ("", None));
    assert!(store::editable(pool, id + 1).await.unwrap().is_none());
    let created_by: Option<i64> = sqlx::query_scalar("SELECT created_by FROM articles")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(created_by, Some(editor));

    let versions = store::versions(pool, id).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(
        (versions[0].saved_by.as_str(), versions[0].reason.as_str()),
        (BY, "save")
    );

    let drafts = store::staff_list(pool, Some(Status::Draft)).await.unwrap();
    assert_eq!(drafts.iter().map(|a| a.id).collect::<Vec<_>>(), [id]);
    assert_eq!(store::staff_list(pool, None).await.unwrap().len(), 1);
    assert!(
        store::staff_list(pool, Some(Status::Published))
            .await
            .unwrap()
            .is_empty()
    );

    assert!(
        store::find(pool, "flood-season", NOW)
            .await
            .unwrap()
            .is_none()
    );
    let page = store::list(pool, &ArticleFilter::default(), NOW)
        .await
        .unwrap();
    assert_eq!((page.total, page.page, page.total_pages), (0, 1, 1));
    assert!(store::latest(pool, 5, None, NOW).await.unwrap().is_empty());
    assert!(
        store::search(pool, "汛期安全", NOW, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store::sitemap_entries(pool, NOW).await.unwrap().is_empty());
}

#[tokio::test]
async fn every_save_keeps_a_version_and_leaves_exactly_the_tags_given() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor]).await;
    let id = store::create_draft(pool, "fire", &text("消防", &[], ""), (editor, BY), NOW)
        .await
        .unwrap();

    let first = tags(&["消防", " 安全 ", "", "消防"]);
    let body = "## 检查要点\n\n疏散通道保持畅通。";
    store::update_text(
        pool,
        id,
        &text("消防检查", &first, body),
        BY,
        NOW + 1,
        "save",
    )
    .await
    .unwrap();
    let saved = store::editable(pool, id).await.unwrap().unwrap();
    assert_eq!(saved.title, "消防检查");
    assert_eq!(saved.body_md, body);
    assert!(saved.body_html.contains("<h2"), "{}", saved.body_html);
    assert_eq!(sorted_tags(&saved.tags), ["安全", "消防"]);

    let second = tags(&["安全", "应急"]);
    store::update_text(
        pool,
        id,
        &text("消防检查", &second, body),
        "李明",
        NOW + 2,
        "restore",
    )
    .await
    .unwrap();
    let saved = store::editable(pool, id).await.unwrap().unwrap();
    assert_eq!(sorted_tags(&saved.tags), ["安全", "应急"]);

    // A kept version changes nothing in the article.
    let kept = store::keep_version(
        pool,
        id,
        &text("未完成的标题", &second, "草稿"),
        BY,
        NOW + 3,
        "autosave",
    )
    .await
    .unwrap();
    assert_eq!(
        store::editable(pool, id).await.unwrap().unwrap().title,
        "消防检查"
    );

    let versions = store::versions(pool, id).await.unwrap();
    let reasons: Vec<(&str, &str, i64)> = versions
        .iter()
        .map(|v| (v.reason.as_str(), v.saved_by.as_str(), v.saved_at))
        .collect();
    assert_eq!(
        reasons,
        [
            ("autosave", BY, NOW + 3),
            ("restore", "李明", NOW + 2),
            ("save", BY, NOW + 1),
            ("save", BY, NOW),
        ]
    );
    assert_eq!(versions[0].id, kept);
    let view = store::version(pool, id, kept).await.unwrap().unwrap();
    assert_eq!(
        (view.title.as_str(), view.body_md.as_str()),
        ("未完成的标题", "草稿")
    );
    assert_eq!(view.tags, "安全，应急");
    assert!(view.body_html.contains("草稿"));
    let restore = store::version(pool, id, versions[1].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(restore.body_md, body);

    // A version is only found under its own article.
    let other = store::create_draft(pool, "other", &text("其他", &[], ""), (editor, BY), NOW)
        .await
        .unwrap();
    assert!(store::version(pool, other, kept).await.unwrap().is_none());
}

#[tokio::test]
async fn only_published_articles_and_scheduled_ones_whose_time_has_come_are_public() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor, Role::Reviewer]).await;
    let body = text("公开文章", &[], "正文");
    publish(pool, editor, "published", &body, NOW - 100).await;
    let scheduled = store::create_draft(pool, "scheduled", &body, (editor, BY), NOW - 50)
        .await
        .unwrap();
    store::set_status(
        pool,
        scheduled,
        Status::Scheduled,
        Some(NOW + 100),
        None,
        Some(editor),
        NOW,
    )
    .await
    .unwrap();
    let submitted = store::create_draft(pool, "submitted", &body, (editor, BY), NOW - 50)
        .await
        .unwrap();
    store::set_status(
        pool,
        submitted,
        Status::Submitted,
        None,
        Some(""),
        None,
        NOW,
    )
    .await
    .unwrap();
    let withdrawn = publish(pool, editor, "withdrawn", &body, NOW - 200).await;
    store::set_status(
        pool,
        withdrawn,
        Status::Withdrawn,
        None,
        None,
        Some(editor),
        NOW,
    )
    .await
    .unwrap();

    assert_eq!(public_slugs(pool, NOW).await, ["published"]);
    assert_eq!(
        public_slugs(pool, NOW + 100).await,
        ["scheduled", "published"]
    );
    assert!(
        store::find(pool, "scheduled", NOW + 99)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store::find(pool, "scheduled", NOW + 100)
            .await
            .unwrap()
            .is_some()
    );
    for hidden in ["submitted", "withdrawn", "missing"] {
        assert!(
            store::find(pool, hidden, NOW).await.unwrap().is_none(),
            "{hidden}"
        );
    }
    assert_eq!(
        slugs(&store::latest(pool, 10, None, NOW).await.unwrap()),
        ["published"]
    );
    let sitemap = store::sitemap_entries(pool, NOW).await.unwrap();
    assert_eq!(
        sitemap.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["published"]
    );
    let hits = store::search(pool, "公开文章", NOW, 10).await.unwrap();
    assert_eq!(
        hits.iter()
            .map(|(a, _)| a.slug.as_str())
            .collect::<Vec<_>>(),
        ["published"]
    );

    // Withdrawing keeps the publication time it had.
    let withdrawn = store::editable(pool, withdrawn).await.unwrap().unwrap();
    assert_eq!(
        (withdrawn.status, withdrawn.published_at),
        (Status::Withdrawn, Some(NOW - 200))
    );
}

#[tokio::test]
async fn lists_are_newest_first_in_pages_and_narrowed_by_category_or_tag() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor, Role::Reviewer]).await;
    let flood = tags(&["防汛"]);
    for i in 0..12_i64 {
        let slug = format!("a{i}");
        let article = ArticleText {
            category: if i % 2 == 0 {
                Category::News
            } else {
                Category::Laws
            },
            tags: if i % 3 == 0 { &flood } else { &[] },
            ..text("文章", &[], "正文")
        };
        publish(pool, editor, &slug, &article, NOW - 1000 + i * 10).await;
    }
    let list =
        |filter: ArticleFilter| async move { store::list(pool, &filter, NOW).await.unwrap() };

    let first = list(ArticleFilter {
        page: 1,
        ..Default::default()
    })
    .await;
    assert_eq!((first.total, first.total_pages, first.page), (12, 2, 1));
    assert_eq!(first.articles.len(), 10);
    assert_eq!(first.articles[0].slug, "a11");
    let second = list(ArticleFilter {
        page: 2,
        ..Default::default()
    })
    .await;
    assert_eq!(slugs(&second.articles), ["a1", "a0"]);
    let beyond = list(ArticleFilter {
        page: 99,
        ..Default::default()
    })
    .await;
    assert_eq!(
        (beyond.page, slugs(&beyond.articles)),
        (2, vec!["a1", "a0"])
    );
    assert_eq!(list(ArticleFilter::default()).await.page, 1);

    let laws = list(ArticleFilter {
        category: Some(Category::Laws),
        page: 1,
        ..Default::default()
    })
    .await;
    assert_eq!(laws.total, 6);
    assert!(laws.articles.iter().all(|a| a.category == Category::Laws));
    let tagged = list(ArticleFilter {
        tag: Some("防汛".into()),
        page: 1,
        ..Default::default()
    })
    .await;
    assert_eq!(slugs(&tagged.articles), ["a9", "a6", "a3", "a0"]);
    assert_eq!(tagged.total, 4);

    let news = store::latest(pool, 3, Some(Category::News), NOW)
        .await
        .unwrap();
    assert_eq!(slugs(&news), ["a10", "a8", "a6"]);
}

#[tokio::test]
async fn an_article_has_its_tags_in_order_and_its_public_neighbours_by_publication_time() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor, Role::Reviewer]).await;
    let both = tags(&["消防", "安全"]);
    let plain = text("文章", &[], "正文");
    publish(pool, editor, "old", &plain, NOW - 300).await;
    let body = "## 第一节\n\n内容";
    publish(
        pool,
        editor,
        "mid1",
        &text("中间一", &both, body),
        NOW - 200,
    )
    .await;
    publish(pool, editor, "mid2", &plain, NOW - 200).await;
    publish(pool, editor, "new", &plain, NOW - 100).await;
    publish(pool, editor, "future", &plain, NOW + 100).await;
    store::create_draft(pool, "draft", &plain, (editor, BY), NOW)
        .await
        .unwrap();

    let neighbours = |slug: &'static str| async move {
        let article = store::find(pool, slug, NOW).await.unwrap().unwrap();
        let name = |n: Option<(String, String)>| n.map(|(slug, _)| slug);
        (name(article.previous), name(article.next))
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(neighbours("old").await, (None, some("mid1")));
    // The same publication time: the one created first comes first.
    assert_eq!(neighbours("mid1").await, (some("old"), some("mid2")));
    assert_eq!(neighbours("mid2").await, (some("mid1"), some("new")));
    assert_eq!(neighbours("new").await, (some("mid2"), None));

    let mid1 = store::find(pool, "mid1", NOW).await.unwrap().unwrap();
    assert_eq!(mid1.tags, ["安全", "消防"]);
    assert_eq!(mid1.author, BY);
    assert_eq!(mid1.summary.title, "中间一");
    assert_eq!(mid1.summary.published_at, NOW - 200);
    assert_eq!(mid1.toc.len(), 1);
    assert!(mid1.body_html.contains("内容"));
}

#[tokio::test]
async fn search_uses_the_index_from_three_characters_and_scans_for_shorter_words() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor, Role::Reviewer]).await;
    publish(
        pool,
        editor,
        "in-title",
        &text("危险化学品安全管理", &[], "仓库检查。"),
        NOW - 20,
    )
    .await;
    let in_body = publish(
        pool,
        editor,
        "in-body",
        &text("夏季防汛", &[], "注意危险化学品的储存。"),
        NOW - 10,
    )
    .await;
    let draft = text("危险化学品草稿", &[], "");
    store::create_draft(pool, "draft", &draft, (editor, BY), NOW)
        .await
        .unwrap();
    let found = |query: &'static str| async move {
        let hits = store::search(pool, query, NOW, 10).await.unwrap();
        hits.into_iter().map(|(a, _)| a.slug).collect::<Vec<_>>()
    };

    // The title weighs more than the text, with the index and without it.
    assert_eq!(found("危险化学品").await, ["in-title", "in-body"]);
    assert_eq!(found("化学").await, ["in-title", "in-body"]);
    assert_eq!(found(" 防汛 ").await, ["in-body"]);
    let hits = store::search(pool, "储存", NOW, 10).await.unwrap();
    assert!(
        hits[0].1.contains("注意危险化学品的储存"),
        "the text comes with the hit"
    );
    // Wildcards and quotes are text, not syntax.
    for query in ["%", "_", "\\", "\"危险化", "化学品\" OR \"管理"] {
        assert!(found(query).await.is_empty(), "{query}");
    }
    assert_eq!(
        store::search(pool, "危险化学品", NOW, 1)
            .await
            .unwrap()
            .len(),
        1
    );

    // Changed text is searched as changed.
    store::update_text(
        pool,
        in_body,
        &text("夏季防汛", &[], "注意防雷。"),
        BY,
        NOW,
        "save",
    )
    .await
    .unwrap();
    assert_eq!(found("危险化学品").await, ["in-title"]);
    assert_eq!(found("注意防雷").await, ["in-body"]);
}

#[tokio::test]
async fn a_status_change_keeps_what_it_is_not_given() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor]).await;
    let reviewer = staff_user(pool, "reviewer", &[Role::Reviewer]).await;
    let body = text("文章", &[], "正文");
    let id = store::create_draft(pool, "one", &body, (editor, BY), NOW)
        .await
        .unwrap();
    let other = store::create_draft(pool, "two", &body, (editor, BY), NOW + 1)
        .await
        .unwrap();
    let reviewed_by = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT reviewed_by FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    };

    store::set_status(
        pool,
        id,
        Status::Published,
        Some(NOW + 10),
        Some(""),
        Some(reviewer),
        NOW + 10,
    )
    .await
    .unwrap();
    store::set_status(
        pool,
        id,
        Status::Draft,
        None,
        Some("请补充图片"),
        Some(reviewer),
        NOW + 20,
    )
    .await
    .unwrap();
    let returned = store::editable(pool, id).await.unwrap().unwrap();
    assert_eq!(returned.status, Status::Draft);
    assert_eq!(returned.review_comment, "请补充图片");
    assert_eq!(returned.published_at, Some(NOW + 10));
    assert_eq!(reviewed_by().await, Some(reviewer));

    store::set_status(pool, id, Status::Submitted, None, Some(""), None, NOW + 30)
        .await
        .unwrap();
    let submitted = store::editable(pool, id).await.unwrap().unwrap();
    assert_eq!(
        (submitted.status, submitted.review_comment.as_str()),
        (Status::Submitted, "")
    );
    assert_eq!(reviewed_by().await, Some(reviewer));

    // The most recently changed article is listed first.
    let listed: Vec<i64> = store::staff_list(pool, None)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(listed, [id, other]);
    let row = &store::staff_list(pool, Some(Status::Submitted))
        .await
        .unwrap()[0];
    assert_eq!((row.id, row.updated_at), (id, NOW + 30));
}

#[tokio::test]
async fn importing_a_file_again_updates_the_article_it_made() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor]).await;
    let import = |title: &'static str, tags: Vec<String>, hash: &'static str| async move {
        let rendered = domain::markdown::render("## 要点\n\n导入的正文。");
        let record = ArticleRecord {
            slug: "guide",
            title,
            category: Category::SafetyKnowledge,
            summary: "摘要",
            author: "宣传科",
            cover: None,
            tags: &tags,
            body_md: "## 要点\n\n导入的正文。",
            rendered: &rendered,
            status: "published",
            published_at: Some(NOW - 60),
        };
        let mut tx = pool.begin().await.unwrap();
        let id = store::save_imported(&mut tx, &record, "guide.md", hash, NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let source = |slug: &'static str| async move {
        let mut conn = pool.acquire().await.unwrap();
        store::source_of(&mut conn, slug).await.unwrap()
    };

    let id = import("安全用电指南", tags(&["用电"]), "hash-1").await;
    assert_eq!(
        source("guide").await,
        Some((Some("guide.md".into()), Some("hash-1".into())))
    );
    let again = import("安全用电常识", tags(&["家庭"]), "hash-2").await;
    assert_eq!(again, id);
    assert_eq!(
        source("guide").await,
        Some((Some("guide.md".into()), Some("hash-2".into())))
    );

    let article = store::find(pool, "guide", NOW).await.unwrap().unwrap();
    assert_eq!(article.summary.title, "安全用电常识");
    assert_eq!(article.summary.category, Category::SafetyKnowledge);
    assert_eq!(
        (article.author.as_str(), article.tags),
        ("宣传科", vec!["家庭".to_string()])
    );
    assert_eq!(article.summary.published_at, NOW - 60);
    let hits = store::search(pool, "用电常识", NOW, 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        store::search(pool, "用电指南", NOW, 10)
            .await
            .unwrap()
            .is_empty()
    );

    store::create_draft(
        pool,
        "written",
        &text("编辑撰写", &[], ""),
        (editor, BY),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(source("written").await, Some((None, None)));
    assert_eq!(source("missing").await, None);
}

#[tokio::test]
async fn search_ignores_ascii_case_and_matches_across_spaces_and_punctuation_on_every_backend() {
    let db = fresh_db().await;
    let pool = &db.pool;
    let editor = staff_user(pool, "editor", &[Role::Editor, Role::Reviewer]).await;
    publish(
        pool,
        editor,
        "lamp",
        &text(
            "LED 应急灯 Emergency Light",
            &[],
            "停电时，应急灯亮起；请每月检查电池。",
        ),
        NOW - 10,
    )
    .await;
    let found = |query: &'static str| async move {
        let hits = store::search(pool, query, NOW, 10).await.unwrap();
        hits.into_iter().map(|(a, _)| a.slug).collect::<Vec<_>>()
    };
    for query in [
        "emergency",
        "EMERGENCY",
        "eMeRgEnCy",
        "灯 Em",
        "时，应急",
        "LED",
        "led",
    ] {
        assert_eq!(found(query).await, ["lamp"], "{query}");
    }
    for query in ["Emergencies", "应急 灯", "电池。请"] {
        assert!(found(query).await.is_empty(), "{query}");
    }
}

#[tokio::test]
async fn on_postgresql_chinese_search_uses_the_trigram_index() {
    if !crate::database::on_postgres() {
        return;
    }
    let db = fresh_db().await;
    let pool = &db.pool;
    // Under the C locale pg_trgm sees no word characters in Chinese and the index is useless;
    // the database's UTF-8 locale makes three characters three trigrams' worth of index keys.
    let trigrams: i64 =
        sqlx::query_scalar("SELECT CAST(array_length(show_trgm('灭火器'), 1) AS BIGINT)")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(
        trigrams >= 1,
        "the database's locale hides Chinese from pg_trgm"
    );
    sqlx::query(
        "INSERT INTO articles (slug, title, category, summary, author, body_md, body_html,
             toc_json, plain_text, reading_minutes, status, published_at, created_at, updated_at)
         SELECT 'a-' || n, '第' || n || '期安全提示', '安全常识', '摘要' || n, '宣传股', '', '', '[]',
                '正文第' || n || '段，注意用电与防火。', 1, 'published', 1, 1, 1
         FROM generate_series(1, 500) AS n",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE articles").execute(pool).await.unwrap();
    // On a table this small a scan is cheaper, so the planner is asked to avoid one: what is
    // shown is that the search's condition is one the trigram indexes answer.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT slug FROM articles
         WHERE title ILIKE '%灭火器%' OR summary ILIKE '%灭火器%' OR plain_text ILIKE '%灭火器%'",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let plan = plan.join("\n");
    for index in [
        "articles_title_trgm",
        "articles_summary_trgm",
        "articles_text_trgm",
    ] {
        assert!(
            plan.contains(&format!("Bitmap Index Scan on {index}")),
            "{index} is not used:\n{plan}"
        );
    }
    assert!(
        plan.contains("Index Cond: (title ~~* '%灭火器%'::text)"),
        "{plan}"
    );
}
