use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

// Leptos writes a <textarea>'s text children unescaped (it is a raw-text element), so text
// typed by staff goes in escaped, through `inner_html`.
use crate::foundation::html::escape;
use crate::{
    articles::{
        Category, EditableArticle,
        admin::{
            ArticleStep, CreateArticle, RestoreVersion, SaveArticle, WRITERS, article_version,
            article_versions, load_for_editing, staff_articles,
        },
        workflow::{Status, may_edit},
    },
    components::{
        empty_state::EmptyState,
        forms::{CsrfField, Notice, NoticeKind},
        staff_gate::StaffGate,
        table_scroll::TableScroll,
    },
    foundation::clock::format_beijing,
    foundation::request::query_param,
    foundation::site::use_site,
    staff::{Role, Staff},
};

/// 文章管理: every article by status, newest change first.
#[component]
pub fn ArticlesAdminPage() -> impl IntoView {
    view! {
        <StaffGate title="文章管理" roles=WRITERS>
            <ArticleTable />
        </StaffGate>
    }
}

#[component]
fn ArticleTable() -> impl IntoView {
    let site = use_site();
    let status = query_param("status").and_then(|s| Status::parse(&s));
    let rows = Resource::new_blocking(
        move || status.map(Status::as_str).unwrap_or_default().to_string(),
        staff_articles,
    );
    let tabs = std::iter::once((None, "全部"))
        .chain(Status::ALL.into_iter().map(|s| (Some(s), s.label())))
        .map(|(tab, label)| {
            let href = match tab {
                Some(s) => site.href(&format!("/admin/articles?status={}", s.as_str())),
                None => site.href("/admin/articles"),
            };
            view! { <li><a href=href aria-current=(tab == status).then_some("page")>{label}</a></li> }
        })
        .collect_view();
    view! {
        <div class="page-head">
            <h1>"文章管理"</h1>
            <p class="page-head__tools"><a class="button" href=site.href("/admin/articles/new")>"新建文章"</a></p>
        </div>
        {workflow_notice()}
        <nav class="chips" aria-label="按状态筛选"><ul>{tabs}</ul></nav>
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let site = use_site();
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <EmptyState title="暂无文章" hint="点击“新建文章”开始撰写。" />
                    }.into_any(),
                    Ok(rows) => {
                        let body = rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row"><a href=site.href(&format!("/admin/articles/{}", row.id))>{row.title}</a></th>
                                <td>{row.category.name()}</td>
                                <td><span class=format!("status status--{}", row.status.as_str())>{row.status.label()}</span></td>
                                <td>{format_beijing(row.updated_at)}</td>
                                <td><a href=site.href(&format!("/admin/articles/{}/history", row.id))>"历史版本"</a></td>
                            </tr>
                        }).collect_view();
                        view! {
                            <TableScroll label="文章">
                                <table class="table">
                                    <caption class="visually-hidden">"文章"</caption>
                                    <thead><tr><th scope="col">"标题"</th><th scope="col">"分类"</th><th scope="col">"状态"</th><th scope="col">"最近修改"</th><th scope="col">"历史"</th></tr></thead>
                                    <tbody>{body}</tbody>
                                </table>
                            </TableScroll>
                        }.into_any()
                    }
                    Err(_) => view! { <Notice kind=NoticeKind::Error message="无法读取文章列表，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The message for `?error=` or `?done=` after a workflow step.
fn workflow_notice() -> Option<impl IntoView> {
    let error = query_param("error").map(|code| match code.as_str() {
        "title" => {
            "标题不能为空，且不超过 100 个字。您输入的内容已保存为一个未生效的版本，已在下方恢复。"
        }
        "body" => "正文不能为空。您输入的内容已保存为一个未生效的版本，已在下方恢复。",
        "summary" => "摘要不能超过 200 个字。您输入的内容已保存为一个未生效的版本，已在下方恢复。",
        "slug" => "网址名只能使用小写字母、数字和单个连字符（例如 gas-safety）。",
        "slug_taken" => "这个网址名已被其他文章使用，请换一个。",
        "category" => "请选择分类。",
        "not_editable" => "文章正在审核或已发布，只有审核人员可以修改。",
        "wrong_status" => "文章当前的状态不能执行此操作，请刷新页面后再试。",
        "bad_time" => "请填写完整的发布时间。",
        "past_time" => "定时发布的时间必须晚于现在。",
        "comment_required" => "退回修改时请填写审核意见。",
        "not_found" => "文章不存在。",
        _ => "操作未成功，请重试。",
    });
    if let Some(message) = error {
        return Some(view! { <Notice kind=NoticeKind::Error message=message /> }.into_any());
    }
    let done = query_param("done").map(|code| match code.as_str() {
        "created" => "文章已创建，请撰写正文。",
        "saved" => "已保存。",
        "restored" => "已恢复所选版本。",
        "submitted" => "已提交审核。",
        "published" => "已发布。",
        "scheduled" => "已设定定时发布。",
        "draft" => "已退回修改。",
        "withdrawn" => "已撤回。",
        _ => "操作已完成。",
    })?;
    Some(view! { <Notice kind=NoticeKind::Success message=done /> }.into_any())
}

fn category_options(selected: Option<Category>) -> impl IntoView {
    Category::ALL
        .into_iter()
        .map(|c| {
            let chosen = Some(c) == selected;
            view! { <option value=c.name() selected=chosen>{c.name()}</option> }
        })
        .collect_view()
}

/// `/admin/articles/new` and `/admin/articles/{id}`: the editor.
#[component]
pub fn ArticleEditorPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    view! {
        <StaffGate title="编辑文章" roles=WRITERS>
            {match id.parse::<i64>() {
                Ok(id) => view! { <EditArticle id /> }.into_any(),
                Err(_) => view! { <NewArticle /> }.into_any(),
            }}
        </StaffGate>
    }
}

#[component]
fn NewArticle() -> impl IntoView {
    let site = use_site();
    let chosen = query_param("category").and_then(|c| Category::from_name(&c));
    view! {
        <h1>"新建文章"</h1>
        {workflow_notice()}
        <form class="form" method="post" action=site.href(CreateArticle::url())>
            <CsrfField />
            <div class="field">
                <label for="title">"标题"</label>
                <input id="title" name="title" type="text" required maxlength="100" value=query_param("title").unwrap_or_default() />
            </div>
            <div class="field">
                <label for="slug">"网址名"</label>
                <input id="slug" name="slug" type="text" required pattern="[a-z0-9]+(-[a-z0-9]+)*" maxlength="80"
                    value=query_param("slug").unwrap_or_default() aria-describedby="slug-hint" />
                <p id="slug-hint" class="hint">"文章网址的一部分，只用小写字母、数字和连字符，例如 gas-safety。创建后不再修改。"</p>
            </div>
            <div class="field">
                <label for="category">"分类"</label>
                <select id="category" name="category">{category_options(chosen)}</select>
            </div>
            <button type="submit" class="button">"创建并开始撰写"</button>
        </form>
    }
}

#[component]
fn EditArticle(id: i64) -> impl IntoView {
    let article = Resource::new_blocking(move || id, load_for_editing);
    // After a refused save, the text as typed comes back from the version it was kept in.
    let kept = query_param("version").and_then(|v| v.parse::<i64>().ok());
    let kept_version = Resource::new_blocking(
        move || kept,
        move |kept| async move {
            match kept {
                Some(version) => article_version(id, version).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let staff = expect_context::<Staff>();
                match (article.await, kept_version.await) {
                    (Ok(Some(mut article)), kept) => {
                        if let Some(kept) = kept {
                            article.title = kept.title;
                            article.category = kept.category;
                            article.tags = kept.tags;
                            article.summary = kept.summary;
                            article.body_md = kept.body_md;
                        }
                        view! { <Editor article staff /> }.into_any()
                    }
                    (Ok(None), _) => view! { <EmptyState title="文章不存在" hint="它可能已被删除。" /> }.into_any(),
                    (Err(_), _) => view! { <Notice kind=NoticeKind::Error message="无法读取文章，请稍后再试。" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(article: EditableArticle, staff: Staff) -> impl IntoView {
    let site = use_site();
    let editable = may_edit(article.status, &staff.roles);
    let public_link = matches!(article.status, Status::Published | Status::Scheduled)
        .then(|| site.href(&format!("/articles/{}", article.slug)));
    let comment = (!article.review_comment.is_empty()).then(|| {
        view! { <Notice kind=NoticeKind::Error message=format!("审核意见：{}", article.review_comment) /> }
    });
    let when = article.published_at.map(format_beijing);
    view! {
        <div class="page-head">
            <h1>{article.title.clone()}</h1>
            <p class="page-head__tools">
                <span class=format!("status status--{}", article.status.as_str())>{article.status.label()}</span>
                {when.filter(|_| article.status != Status::Draft).map(|w| format!(" · 发布时间 {w}"))}
                " · "<a href=site.href(&format!("/admin/articles/{}/history", article.id))>"历史版本"</a>
                {public_link.map(|href| view! { " · " <a href=href>"查看公开页面"</a> })}
            </p>
        </div>
        {workflow_notice()}
        {comment}
        <div class="editor">
            <form class="form editor__form" method="post" action=site.href(SaveArticle::url())>
                <CsrfField />
                <input type="hidden" name="id" value=article.id />
                <fieldset disabled=!editable class="editor__fields">
                    <legend class="visually-hidden">"文章内容"</legend>
                    <div class="field">
                        <label for="title">"标题"</label>
                        <input id="title" name="title" type="text" maxlength="100" value=article.title.clone() />
                    </div>
                    <div class="field">
                        <label for="category">"分类"</label>
                        <select id="category" name="category">{category_options(Some(article.category))}</select>
                    </div>
                    <div class="field">
                        <label for="tags">"标签"</label>
                        <input id="tags" name="tags" type="text" value=article.tags.clone() aria-describedby="tags-hint" />
                        <p id="tags-hint" class="hint">"用逗号分隔，例如：消防，家庭安全"</p>
                    </div>
                    <div class="field">
                        <label for="summary">"摘要"</label>
                        <textarea id="summary" name="summary" rows="2" maxlength="200" inner_html=escape(&article.summary)></textarea>
                        <p class="hint">"留空则自动取正文开头。"</p>
                    </div>
                    <div class="field">
                        <label for="body">"正文（Markdown）"</label>
                        <textarea id="body" name="body" rows="20" class="editor__body" inner_html=escape(&article.body_md)></textarea>
                    </div>
                    <button type="submit" class="button">"保存"</button>
                    {editable.then(|| view! { <AutosaveStatus article_id=article.id /> })}
                </fieldset>
                {(!editable).then(|| view! { <p class="hint">"文章正在审核或已发布，只有审核人员可以修改。"</p> })}
            </form>
            <section class="editor__preview" aria-labelledby="preview-title">
                <h2 id="preview-title">"已保存内容的预览"</h2>
                <div id="preview-body" class="article__body" aria-live="off" inner_html=article.body_html.clone()></div>
            </section>
        </div>
        // The live preview is its own WASM bundle, so public pages never download the renderer.
        {editable.then(|| view! { <script type="module" src=site.href("/editor/start.js")></script> })}
        {editable.then(|| view! { <ImageUpload /> })}
        <WorkflowActions article staff />
    }
}

/// A plain form to upload an image; afterwards the markdown to paste is shown.
/// Where the editor's script (`/editor/autosave.js`) says that it kept the form: every half
/// minute, when the form has changed, it posts it to `autosave_article` as an `autosave`
/// version. The editor works the same without JavaScript, just without autosave.
#[component]
fn AutosaveStatus(article_id: i64) -> impl IntoView {
    let site = use_site();
    view! {
        <p
            class="hint autosave"
            role="status"
            aria-live="polite"
            data-autosave=site.href("/api/staff/article_autosave")
            data-article=article_id
        ></p>
    }
}

#[component]
fn ImageUpload() -> impl IntoView {
    let site = use_site();
    let uploaded = query_param("uploaded")
        .filter(|url| url.contains("/uploads/") && !url.contains(['"', '<', '>', ' ']));
    let error = query_param("upload_error").map(|code| match code.as_str() {
        "not_image" => "只能上传 PNG、JPEG、GIF 或 WebP 图片（按文件内容判断，不看文件名）。",
        "too_large" => "图片太大，不能超过 5 MB。",
        "missing" => "请先选择一个图片文件。",
        _ => "图片未能保存，请稍后再试。",
    });
    view! {
        <section class="panel" aria-labelledby="upload-title">
            <h2 id="upload-title">"插入图片"</h2>
            {error.map(|message| view! { <Notice kind=NoticeKind::Error message=message /> })}
            {uploaded.map(|url| view! {
                <Notice kind=NoticeKind::Success message="图片已上传。把下面这行复制到正文中需要的位置：" />
                <p><code class="snippet">{format!("![图片说明]({url})")}</code></p>
            })}
            <form method="post" action=site.href("/api/staff/uploads") enctype="multipart/form-data" class="form">
                <CsrfField />
                <div class="field">
                    <label for="file">"选择图片（PNG、JPEG、GIF、WebP，不超过 5 MB）"</label>
                    <input id="file" name="file" type="file" accept="image/png,image/jpeg,image/gif,image/webp" required />
                </div>
                <button type="submit" class="button button--quiet">"上传"</button>
            </form>
        </section>
    }
}

/// The workflow buttons this person may press for this article now.
#[component]
fn WorkflowActions(article: EditableArticle, staff: Staff) -> impl IntoView {
    let site = use_site();
    let action = site.href(ArticleStep::url());
    let reviewer = staff.roles.contains(&Role::Reviewer);
    let writer = reviewer || staff.roles.contains(&Role::Editor);
    let id = article.id;
    let simple = move |step: &'static str, label: &'static str| {
        view! {
            <form method="post" action=action.clone()>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value=step />
                <button type="submit" class="button">{label}</button>
            </form>
        }
    };
    let submit = (writer && matches!(article.status, Status::Draft | Status::Withdrawn))
        .then(|| simple("submit", "提交审核"));
    let review = (reviewer && article.status == Status::Submitted).then(|| {
        view! {
            {simple("publish", "立即发布")}
            <form method="post" action=site.href(ArticleStep::url()) class="form">
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value="schedule" />
                <div class="field">
                    <label for="publish_at">"定时发布（北京时间）"</label>
                    <input id="publish_at" name="publish_at" type="datetime-local" required />
                </div>
                <button type="submit" class="button button--quiet">"定时发布"</button>
            </form>
            <form method="post" action=site.href(ArticleStep::url()) class="form">
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value="return" />
                <div class="field">
                    <label for="comment">"审核意见"</label>
                    <textarea id="comment" name="comment" rows="2" required></textarea>
                </div>
                <button type="submit" class="button button--quiet">"退回修改"</button>
            </form>
        }
    });
    let withdraw = (reviewer && matches!(article.status, Status::Published | Status::Scheduled))
        .then(|| simple("withdraw", "撤回文章"));
    view! {
        <section class="panel workflow" aria-labelledby="workflow-title">
            <h2 id="workflow-title">"审核与发布"</h2>
            <p class="hint">"流程：撰写（草稿）→ 提交审核 → 审核人员发布、定时发布或退回修改；已发布的文章可以撤回。"</p>
            <div class="workflow__actions">{submit}{review}{withdraw}</div>
        </section>
    }
}

/// `/admin/articles/{id}/history`: every saved version.
#[component]
pub fn ArticleHistoryPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let versions = Resource::new_blocking(move || id, article_versions);
    view! {
        <StaffGate title="历史版本" roles=WRITERS>
            <h1>"历史版本"</h1>
            <p><a href=use_site().href(&format!("/admin/articles/{id}"))>"‹ 返回编辑"</a></p>
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    let site = use_site();
                    match versions.await {
                        Ok(list) if list.is_empty() => view! { <EmptyState title="暂无历史版本" hint="每次保存都会留下一个版本。" /> }.into_any(),
                        Ok(list) => {
                            let rows = list.into_iter().map(|v| {
                                let reason = match v.reason.as_str() {
                                    "save" => "保存",
                                    "restore" => "恢复旧版本",
                                    "autosave" => "自动保存（未生效）",
                                    "rejected" => "未生效（输入有误）",
                                    other => other,
                                }.to_string();
                                view! {
                                    <tr>
                                        <td><a href=site.href(&format!("/admin/articles/{id}/history/{}", v.id))>{format!("#{}", v.id)}</a></td>
                                        <td>{format_beijing(v.saved_at)}</td>
                                        <td>{v.saved_by}</td>
                                        <td>{reason}</td>
                                        <td>{v.title}</td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <table class="table">
                                    <thead><tr><th scope="col">"版本"</th><th scope="col">"时间"</th><th scope="col">"保存人"</th><th scope="col">"方式"</th><th scope="col">"标题"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }.into_any()
                        }
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="无法读取历史版本。" /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffGate>
    }
}

/// `/admin/articles/{id}/history/{version}`: one version, rendered, with a restore button.
#[component]
pub fn ArticleVersionPage() -> impl IntoView {
    let params = use_params_map();
    let id = params
        .with_untracked(|p| p.get("id"))
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let version = params
        .with_untracked(|p| p.get("version"))
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let found = Resource::new_blocking(
        move || (id, version),
        |(id, version)| article_version(id, version),
    );
    view! {
        <StaffGate title="查看历史版本" roles=WRITERS>
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    let site = use_site();
                    match found.await {
                        Ok(Some(v)) => view! {
                            <h1>{format!("版本 #{}：{}", v.id, v.title)}</h1>
                            <p class="hint">{format!("{} 由 {} 保存 · 分类：{} · 标签：{}", format_beijing(v.saved_at), v.saved_by, v.category.name(), v.tags)}</p>
                            <p><a href=site.href(&format!("/admin/articles/{id}/history"))>"‹ 返回历史版本"</a></p>
                            <form method="post" action=site.href(RestoreVersion::url())>
                                <CsrfField />
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="version" value=v.id />
                                <button type="submit" class="button">"恢复此版本"</button>
                            </form>
                            <p class="article__summary">{v.summary}</p>
                            <div class="article__body" inner_html=v.body_html></div>
                        }.into_any(),
                        Ok(None) => view! { <EmptyState title="版本不存在" hint="请从历史版本列表进入。" /> }.into_any(),
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="无法读取此版本。" /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffGate>
    }
}
