//! The staff's contest area (竞赛管理): contests, the bank, statistics.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use crate::{
    components::{
        empty_state::EmptyState,
        forms::{CsrfField, Notice, NoticeKind},
        staff_gate::StaffGate,
        table_scroll::TableScroll,
    },
    contest::admin::{
        CONTEST_OFFICERS, ContestForm, ContestStats, CreateContest, HIDE_REASON_CHARS,
        HideLeaderboardRow, QuestionForm, QuotaForm, SaveQuestion, bank_list,
        load_contest_overview, load_contest_stats, load_question,
    },
    contest::duration_label,
    foundation::request::{query_param, raw_query},
    foundation::site::use_site,
    pages::contest::window_label,
};

/// `/admin/contests`.
#[component]
pub fn ContestsAdminPage() -> impl IntoView {
    let overview = Resource::new_blocking(|| (), |_| load_contest_overview());
    view! {
        <StaffGate title="竞赛管理" roles=CONTEST_OFFICERS>
            <h1>"竞赛管理"</h1>
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    let site = use_site();
                    let Ok(overview) = overview.await else {
                        return view! { <Notice kind=NoticeKind::Error message="暂时无法读取，请稍后再试。" /> }.into_any();
                    };
                    let contests = if overview.contests.is_empty() {
                        view! { <EmptyState title="暂无竞赛" hint="点击“新建竞赛”设置第一场竞赛。" /> }.into_any()
                    } else {
                        let rows = overview.contests.into_iter().map(|c| view! {
                            <tr>
                                <td><a href=site.href(&format!("/admin/contests/{}", c.id))>{c.title}</a></td>
                                <td>{window_label(c.opens_at, c.closes_at)}</td>
                                <td>{c.participants}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <table class="table">
                                <thead><tr><th scope="col">"竞赛"</th><th scope="col">"时间"</th><th scope="col">"参赛人数"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }.into_any()
                    };
                    let total: i64 = overview.bank.iter().map(|(_, n)| n).sum();
                    let bank = overview.bank.into_iter().map(|(topic, n)| view! { <li>{format!("{topic}：{n} 道")}</li> }).collect_view();
                    view! {
                        <p><a class="button" href=site.href("/admin/contests/new")>"新建竞赛"</a></p>
                        {contests}
                        <h2>{format!("题库（{total} 道）")}</h2>
                        <p><a href=site.href("/admin/contests/questions")>"查看和编辑题库"</a></p>
                        <ul>{bank}</ul>
                        <p class="hint">"题库保存在 content/questions/*.toml（格式见该目录的 README），每次启动时逐题检查后载入，有问题的题目连同文件名和行号记入日志并跳过。"</p>
                    }.into_any()
                })}
            </Suspense>
        </StaffGate>
    }
}

fn form_from_query() -> ContestForm {
    #[cfg(feature = "ssr")]
    {
        let query = raw_query();
        if query.contains("title=")
            && let Ok(form) = serde_qs::Config::new(5, false).deserialize_str::<ContestForm>(&query)
        {
            return form;
        }
    }
    let _ = raw_query;
    // Open from now for a week, unless the officer says otherwise.
    let now = crate::foundation::clock::now();
    let field = |at: i64| crate::foundation::clock::format_beijing(at).replace(' ', "T");
    ContestForm {
        opens_at: field(now),
        closes_at: field(now + 7 * 86_400),
        question_count: "20".into(),
        time_limit_minutes: "20".into(),
        pass_percent: "60".into(),
        attempts_per_day: "3".into(),
        ask_town: Some("on".into()),
        ..ContestForm::default()
    }
}

/// `/admin/contests/new`.
#[component]
pub fn NewContestPage() -> impl IntoView {
    let site = use_site();
    let error = query_param("error");
    let form = form_from_query();
    let mut quotas = form.quotas.clone();
    quotas.resize(quotas.len().max(3), QuotaForm::default());
    let quota_rows = quotas
        .into_iter()
        .enumerate()
        .map(|(n, q)| view! {
            <tr>
                <td><input type="text" aria-label=format!("第 {} 类主题", n + 1) name=format!("form[quotas][{n}][topic]") value=q.topic placeholder="如：消防安全（空为不限）" /></td>
                <td>
                    <select aria-label=format!("第 {} 类难度", n + 1) name=format!("form[quotas][{n}][difficulty]")>
                        <option value="" selected=q.difficulty.is_empty()>"不限"</option>
                        <option value="1" selected=q.difficulty == "1">"1 容易"</option>
                        <option value="2" selected=q.difficulty == "2">"2 中等"</option>
                        <option value="3" selected=q.difficulty == "3">"3 较难"</option>
                    </select>
                </td>
                <td><input type="text" inputmode="numeric" size="4" aria-label=format!("第 {} 类题数", n + 1) name=format!("form[quotas][{n}][count]") value=q.count /></td>
            </tr>
        })
        .collect_view();
    view! {
        <StaffGate title="新建竞赛" roles=CONTEST_OFFICERS>
            <h1>"新建竞赛"</h1>
            {error.map(|text| { let message: String = text.chars().take(300).collect(); view! { <Notice kind=NoticeKind::Error message /> } })}
            <form class="form" method="post" action=site.href(CreateContest::url())>
                <CsrfField />
                <div class="field"><label for="title">"竞赛名称"</label><input id="title" name="form[title]" type="text" maxlength="100" required value=form.title.clone() /></div>
                <div class="field"><label for="description">"竞赛说明"</label><input id="description" name="form[description]" type="text" maxlength="1000" value=form.description.clone() /></div>
                <div class="field"><label for="opens">"开始时间（北京时间）"</label><input id="opens" name="form[opens_at]" type="datetime-local" required value=form.opens_at.clone() /></div>
                <div class="field"><label for="closes">"结束时间（北京时间）"</label><input id="closes" name="form[closes_at]" type="datetime-local" required value=form.closes_at.clone() /></div>
                <div class="field"><label for="count">"题目数量"</label><input id="count" name="form[question_count]" type="number" min="1" max="100" value=form.question_count.clone() /></div>
                <div class="field"><label for="minutes">"答题时间（分钟）"</label><input id="minutes" name="form[time_limit_minutes]" type="number" min="1" max="120" value=form.time_limit_minutes.clone() /></div>
                <div class="field"><label for="pass">"及格分（满分 100）"</label><input id="pass" name="form[pass_percent]" type="number" min="0" max="100" value=form.pass_percent.clone() /></div>
                <div class="field"><label for="attempts">"每人每天答题次数"</label><input id="attempts" name="form[attempts_per_day]" type="number" min="1" max="20" value=form.attempts_per_day.clone() /></div>
                <fieldset>
                    <legend>"参赛者填写（昵称必填；不收集身份证号）"</legend>
                    <label class="check" for="ask-town"><input id="ask-town" type="checkbox" name="form[ask_town]" checked=form.ask_town.is_some() />"所在镇街（选填）"</label>
                    <label class="check" for="ask-employer"><input id="ask-employer" type="checkbox" name="form[ask_employer]" checked=form.ask_employer.is_some() />"工作单位（选填）"</label>
                </fieldset>
                <fieldset>
                    <legend>"防止答案外泄"</legend>
                    <label class="check" for="contest-only"><input id="contest-only" type="checkbox" name="form[contest_only]" checked=form.contest_only.is_some() />"只抽“仅用于竞赛”的题目（练习模式中没有这些题；答案和解析在竞赛结束后公布）"</label>
                </fieldset>
                <fieldset>
                    <legend>"按主题或难度抽题（选填；其余题目从全部题库随机抽取）"</legend>
                    <table class="table">
                        <thead><tr><th scope="col">"主题"</th><th scope="col">"难度"</th><th scope="col">"题数"</th></tr></thead>
                        <tbody>{quota_rows}</tbody>
                    </table>
                </fieldset>
                <button type="submit" class="button">"创建竞赛"</button>
            </form>
        </StaffGate>
    }
}

/// `/admin/contests/{id}`: statistics and export.
#[component]
pub fn ContestStatsPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let stats = Resource::new_blocking(move || id, load_contest_stats);
    let done = query_param("done").map(|done| match done.as_str() {
        "hidden" => "已从公开排行榜隐藏，原因已记入操作日志。",
        _ => "竞赛已创建。",
    });
    let error = query_param("error").map(|error| match error.as_str() {
        "reason" => format!(
            "请填写隐藏的原因（{} 到 {} 个字），没有隐藏任何记录。",
            HIDE_REASON_CHARS.start(),
            HIDE_REASON_CHARS.end()
        ),
        _ => "没有找到这条排行记录，或它已被隐藏。".to_string(),
    });
    view! {
        <StaffGate title="竞赛统计" roles=CONTEST_OFFICERS>
            {done.map(|m| view! { <Notice kind=NoticeKind::Success message=m /> })}
            {error.map(|m| view! { <Notice kind=NoticeKind::Error message=m /> })}
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(Some(stats)) => view! { <StatsView stats /> }.into_any(),
                        Ok(None) => view! { <EmptyState title="没有这个竞赛" hint="请从竞赛管理页面进入。" /> }.into_any(),
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="暂时无法读取，请稍后再试。" /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffGate>
    }
}

#[component]
fn StatsView(stats: ContestStats) -> impl IntoView {
    let site = use_site();
    let id = stats.contest.id;
    let days = stats
        .by_day
        .into_iter()
        .map(|(day, n)| view! { <tr><th scope="row">{day}</th><td>{n}</td></tr> })
        .collect_view();
    let questions = stats
        .questions
        .into_iter()
        .take(20)
        .map(|(qid, stem, seen, rate)| view! {
            <tr><td>{qid}</td><td>{stem}</td><td>{seen}</td><td>{format!("{:.0}%", rate * 100.0)}</td></tr>
        })
        .collect_view();
    view! {
        <h1>{stats.contest.title.clone()}</h1>
        <p>
            <a href=site.href(&format!("/contest/{id}"))>"竞赛页面"</a>
            " · "<a href=site.href(&format!("/contest/{id}/leaderboard"))>"排行榜"</a>
            " · "<a href=site.href(&format!("/admin/contests/{id}/export.csv"))>"导出答题记录（CSV）"</a>
            " · "<a href=site.href(&format!("/contest/{id}/qr.svg"))>"二维码（SVG，用于海报）"</a>
        </p>
        <p>{format!("交卷 {} 次，及格 {} 次，平均 {:.1} 分；答题过快被标记 {} 次（不进入排行榜）。", stats.submitted, stats.passed, stats.average, stats.flagged)}</p>
        <h2>"每日参与"</h2>
        <table class="table"><thead><tr><th scope="col">"日期"</th><th scope="col">"交卷次数"</th></tr></thead><tbody>{days}</tbody></table>
        <h2>"最难的题目（答对率从低到高）"</h2>
        <table class="table"><thead><tr><th scope="col">"编号"</th><th scope="col">"题干"</th><th scope="col">"作答次数"</th><th scope="col">"答对率"</th></tr></thead><tbody>{questions}</tbody></table>
        <BoardAdmin contest_id=id board=stats.board />
    }
}

/// The top of the leaderboard, each row with a form to hide it (a reason is required).
#[component]
fn BoardAdmin(contest_id: i64, board: Vec<crate::contest::StaffBoardRow>) -> impl IntoView {
    let site = use_site();
    let rows = board
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let action = if row.hidden {
                view! { <td>{format!("已隐藏：{}", row.hidden_reason)}</td> }.into_any()
            } else {
                let field = format!("hide-reason-{n}");
                view! {
                    <td>
                        <form class="inline-form" method="post" action=site.href(HideLeaderboardRow::url())>
                            <CsrfField />
                            <input type="hidden" name="contest_id" value=contest_id />
                            <input type="hidden" name="participant" value=row.participant />
                            <label for=field.clone() class="visually-hidden">{format!("隐藏“{}”的原因", row.nickname)}</label>
                            <input id=field name="reason" type="text" required minlength=HIDE_REASON_CHARS.start().to_string() maxlength=HIDE_REASON_CHARS.end().to_string() placeholder="原因（必填）" />
                            <button type="submit" class="button button--small button--quiet">"隐藏"</button>
                        </form>
                    </td>
                }
                .into_any()
            };
            view! {
                <tr><td>{n + 1}</td><th scope="row">{row.nickname}</th><td>{row.town}</td><td>{row.score}</td><td>{duration_label(row.elapsed_secs)}</td>{action}</tr>
            }
        })
        .collect_view();
    view! {
        <h2 id="board">"排行榜管理"</h2>
        <p class="hint">"发现刷榜或不当昵称时可隐藏该行：记录仍保留在导出中，公开排行榜注明隐藏的条数，操作和原因记入操作日志。"</p>
        <TableScroll label="排行榜管理"><table class="table">
            <thead><tr><th scope="col">"名次"</th><th scope="col">"昵称"</th><th scope="col">"镇街"</th><th scope="col">"得分"</th><th scope="col">"用时"</th><th scope="col">"操作"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></TableScroll>
    }
}

/// `/admin/contests/questions`: the whole bank, with links to edit.
#[component]
pub fn BankPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| bank_list());
    let done = query_param("done").map(|id| format!("题目 {id} 已保存。"));
    view! {
        <StaffGate title="题库" roles=CONTEST_OFFICERS>
            <h1>"题库"</h1>
            {done.map(|message| view! { <Notice kind=NoticeKind::Success message /> })}
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    let site = use_site();
                    let Ok(rows) = list.await else {
                        return view! { <Notice kind=NoticeKind::Error message="暂时无法读取，请稍后再试。" /> }.into_any();
                    };
                    let count = rows.len();
                    let body = rows.into_iter().map(|(id, topic, kind, stem, active, contest_only)| {
                        let href = site.href(&format!("/admin/contests/questions/edit?id={id}"));
                        view! {
                            <tr>
                                <td><a href=href>{id}</a></td><td>{topic}</td><td>{kind}</td><td>{stem}</td>
                                <td>{if active { "使用中" } else { "已停用" }}{if contest_only { " · 仅用于竞赛" } else { "" }}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <p>
                            <a class="button" href=site.href("/admin/contests/questions/edit")>"新增题目"</a>
                            " "{format!("共 {count} 道。在这里修改过的题目，启动时不再被 content/questions 中的文件覆盖。")}
                        </p>
                        <TableScroll label="题库"><table class="table">
                            <thead><tr><th scope="col">"编号"</th><th scope="col">"主题"</th><th scope="col">"题型"</th><th scope="col">"题干"</th><th scope="col">"状态"</th></tr></thead>
                            <tbody>{body}</tbody>
                        </table></TableScroll>
                    }.into_any()
                })}
            </Suspense>
        </StaffGate>
    }
}

fn question_from_query() -> Option<QuestionForm> {
    #[cfg(feature = "ssr")]
    {
        let query = raw_query();
        if query.contains("stem=") {
            return serde_qs::Config::new(5, false)
                .deserialize_str::<QuestionForm>(&query)
                .ok();
        }
    }
    None
}

/// `/admin/contests/questions/edit[?id=…]`: add or change a question.
#[component]
pub fn QuestionEditPage() -> impl IntoView {
    let id = query_param("id").filter(|_| question_from_query().is_none());
    let error = query_param("error");
    let sent_back = question_from_query();
    let loaded = Resource::new_blocking(
        move || id.clone(),
        |id| async move {
            match id {
                Some(id) => load_question(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <StaffGate title="编辑题目" roles=CONTEST_OFFICERS>
            <h1>"编辑题目"</h1>
            {error.map(|text| { let message: String = text.chars().take(300).collect(); view! { <Notice kind=NoticeKind::Error message /> } })}
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || {
                    let sent_back = sent_back.clone();
                    Suspend::new(async move {
                        let form = sent_back
                            .or_else(|| loaded.get().and_then(Result::ok).flatten())
                            .unwrap_or_else(|| QuestionForm { kind: "single".into(), difficulty: "1".into(), active: Some("on".into()), ..QuestionForm::default() });
                        let _ = loaded.await;
                        view! { <QuestionFormView form /> }
                    })
                }}
            </Suspense>
        </StaffGate>
    }
}

#[component]
fn QuestionFormView(form: QuestionForm) -> impl IntoView {
    let site = use_site();
    let kinds = [
        ("single", "单选题"),
        ("multiple", "多选题"),
        ("judge", "判断题"),
    ]
    .map(
        |(value, label)| view! { <option value=value selected=form.kind == value>{label}</option> },
    );
    let levels = [("1", "1 容易"), ("2", "2 中等"), ("3", "3 较难")]
        .map(|(value, label)| view! { <option value=value selected=form.difficulty == value>{label}</option> });
    view! {
        <form class="form" method="post" action=site.href(SaveQuestion::url())>
            <CsrfField />
            <div class="field"><label for="qid">"编号（字母、数字和 -）"</label><input id="qid" name="form[id]" type="text" maxlength="40" required value=form.id.clone() /></div>
            <div class="field"><label for="topic">"主题"</label><input id="topic" name="form[topic]" type="text" maxlength="30" required value=form.topic.clone() /></div>
            <div class="field"><label for="kind">"题型"</label><select id="kind" name="form[kind]">{kinds}</select></div>
            <div class="field"><label for="difficulty">"难度"</label><select id="difficulty" name="form[difficulty]">{levels}</select></div>
            <div class="field"><label for="stem">"题干"</label><textarea id="stem" name="form[stem]" rows="3" required inner_html=crate::foundation::html::escape(&form.stem)></textarea></div>
            <div class="field"><label for="options">"选项（每行一个；判断题不填）"</label><textarea id="options" name="form[options]" rows="5" inner_html=crate::foundation::html::escape(&form.options)></textarea></div>
            <div class="field"><label for="answer">"答案（选项字母如 A 或 A,C；判断题填“正确”或“错误”）"</label><input id="answer" name="form[answer]" type="text" required value=form.answer.clone() /></div>
            <div class="field"><label for="explanation">"解析"</label><textarea id="explanation" name="form[explanation]" rows="3" required inner_html=crate::foundation::html::escape(&form.explanation)></textarea></div>
            <div class="field"><label for="source">"出处（法律条款或标准）"</label><input id="source" name="form[source]" type="text" required value=form.source.clone() /></div>
            <label class="check" for="active"><input id="active" type="checkbox" name="form[active]" checked=form.active.is_some() />"使用这道题"</label>
            <label class="check" for="contest-only"><input id="contest-only" type="checkbox" name="form[contest_only]" checked=form.contest_only.is_some() />"仅用于竞赛（练习模式不显示这道题，也不核对它的答案）"</label>
            <button type="submit" class="button">"保存题目"</button>
        </form>
    }
}
