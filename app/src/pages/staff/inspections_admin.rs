//! The staff's inspection area (抽查管理): registries, draws, results.

use leptos::prelude::*;

use super::dashboard::DemoInChainNotice;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{
        empty_state::EmptyState,
        forms::{CsrfField, Notice, NoticeKind},
        staff_gate::StaffGate,
    },
    foundation::clock::format_beijing,
    foundation::request::{query_param, raw_query},
    foundation::site::use_site,
    inspections::{
        DrawStatus, ImportReport, ResultCategory,
        admin::{
            AnnounceDraw, CORRECTION_REASON_MAX, DrawForm, OFFICERS, PublishResults, RevealDraw,
            RunDraw, SaveResult, StaffDraw, StaffRow, StratumForm, group_options,
            inspection_overview, load_staff_draw,
        },
        api::check_items,
    },
    pages::inspections::draw::RulesView,
};
use domain::inspections::registry::{INDUSTRIES, TOWNS};
use server_fn::ServerFn;

fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "announced" => "抽查任务已公告，名录已冻结。请在公开数据揭晓后进行抽签。",
        "drawn" => "已抽签。名单仅工作人员可见，公众只看到承诺摘要；检查结束后请公开名单。",
        "revealed" => "名单已公开，公众可以复核。",
        "published" => "检查结果已公开。",
        "result" => "检查结果已保存。",
        "corrected" => "更正已保存并公开，原结果和更正原因一并公示。",
        _ => return None,
    })
}

fn error_message(code: &str) -> String {
    match code {
        "not_drawn" => "只有已抽签、未公开的任务才能公开名单。".into(),
        "mismatch" => "名单与抽签时的承诺不一致，已拒绝公开。请联系系统管理员检查。".into(),
        "not_revealed" => "名单公开后才能公开检查结果。".into(),
        "no_draw" => "没有这个抽查任务。".into(),
        other => other.chars().take(300).collect(),
    }
}

/// `/admin/inspections`: the registries and the draws.
#[component]
pub fn InspectionsAdminPage() -> impl IntoView {
    let import = query_param("import").and_then(|id| id.parse::<i64>().ok());
    let overview = Resource::new_blocking(move || import, inspection_overview);
    view! {
        <StaffGate title="抽查管理" roles=OFFICERS>
            <h1>"抽查管理"</h1>
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    let site = use_site();
                    let Ok(overview) = overview.await else {
                        return view! { <Notice kind=NoticeKind::Error message="暂时无法读取，请稍后再试。" /> }.into_any();
                    };
                    let draws = if overview.draws.is_empty() {
                        view! { <EmptyState title="暂无抽查任务" hint="点击“新建抽查任务”公告第一次抽查。" /> }.into_any()
                    } else {
                        let rows = overview.draws.into_iter().map(|d| view! {
                            <tr>
                                <td><a href=site.href(&format!("/admin/inspections/draws/{}", d.id))>{d.title}</a></td>
                                <td>{format_beijing(d.announced_at)}</td>
                                <td><span class=format!("status status--{}", d.status.as_str())>{d.status.label()}</span></td>
                                <td>{d.selected.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view();
                        view! {
                            <table class="table">
                                <thead><tr><th scope="col">"任务"</th><th scope="col">"公告时间"</th><th scope="col">"状态"</th><th scope="col">"抽取企业"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }.into_any()
                    };
                    view! {
                        {overview.import.map(|report| view! { <ImportReportView report /> })}
                        <section aria-labelledby="draws-title">
                            <h2 id="draws-title">"抽查任务"</h2>
                            <p><a class="button" href=site.href("/admin/inspections/draws/new")>"新建抽查任务"</a></p>
                            {draws}
                        </section>
                        <section aria-labelledby="registries-title">
                            <h2 id="registries-title">"名录库"</h2>
                            <p>{format!("监管对象名录库：{} 家企业；执法人员名录库：{} 人（在岗 {} 人）。", overview.enterprises, overview.inspectors, overview.active_inspectors)}</p>
                            <p>
                                "导出："<a href=site.href("/admin/inspections/export/enterprises.csv")>"企业名录（CSV，含法定代表人和电话，仅限内部使用）"</a>
                                "、"<a href=site.href("/admin/inspections/export/inspectors.csv")>"执法人员名录（CSV）"</a>
                            </p>
                            <ImportForm kind="enterprises" label="导入企业名录" />
                            <ImportForm kind="inspectors" label="导入执法人员名录" />
                            <p class="hint">"文件格式见 content/registries/README.md：UTF-8 编码的 CSV，第一行为表头。文件中有任何一行不合格，整个文件都不会导入，并逐行列出原因；同一代码的企业（同一证号的人员）会被更新。"</p>
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </StaffGate>
    }
}

#[component]
fn ImportForm(kind: &'static str, label: &'static str) -> impl IntoView {
    let site = use_site();
    let id = format!("file-{kind}");
    view! {
        <form class="form form--inline" method="post" enctype="multipart/form-data"
            action=site.href(&format!("/admin/inspections/import/{kind}"))>
            <CsrfField />
            <label for=id.clone()>{label}</label>
            <input id=id name="file" type="file" accept=".csv,text/csv" required />
            <button type="submit" class="button">"导入"</button>
        </form>
    }
}

#[component]
fn ImportReportView(report: ImportReport) -> impl IntoView {
    let what = if report.kind == "enterprises" {
        "企业名录"
    } else {
        "执法人员名录"
    };
    if report.errors.is_empty() {
        view! {
            <Notice kind=NoticeKind::Success message=format!("{what}“{}”已导入：新增 {} 条，更新 {} 条。", report.file_name, report.inserted, report.updated) />
        }
        .into_any()
    } else {
        let count = report.errors.len();
        let items = report
            .errors
            .into_iter()
            .map(|e| view! { <li>{e}</li> })
            .collect_view();
        view! {
            <div class="notice notice--error" role="alert">
                <p>{format!("{what}“{}”有 {count} 处问题，没有导入任何一条。请改正后重新导入：", report.file_name)}</p>
                <ul>{items}</ul>
            </div>
        }
        .into_any()
    }
}

/// The new-draw form as sent back after a refusal (or the defaults).
fn form_from_query() -> DrawForm {
    #[cfg(feature = "ssr")]
    {
        let query = raw_query();
        if query.contains("title=")
            && let Ok(form) = serde_qs::Config::new(5, false).deserialize_str::<DrawForm>(&query)
        {
            return form;
        }
    }
    let _ = raw_query;
    default_form()
}

fn default_form() -> DrawForm {
    let stratum = |name: &str, group: &str, percent: &str| StratumForm {
        name: name.into(),
        group: group.into(),
        quota_kind: "percent".into(),
        quota: percent.into(),
    };
    DrawForm {
        strata: vec![
            stratum("高危行业企业", "high_risk_industry", "30"),
            stratum("事故多发行业企业", "accident_prone", "20"),
            stratum("直接监管企业", "directly_supervised", "20"),
            stratum("重大风险", "risk:major", "30"),
            stratum("较大风险", "risk:significant", "10"),
            stratum("一般风险", "risk:general", "2"),
            stratum("低风险", "risk:low", "1"),
        ],
        exclude_months: "6".into(),
        team_size: "2".into(),
        avoid_own_town: Some("on".into()),
        avoid_own_unit: Some("on".into()),
        avoid_last_inspectors: Some("on".into()),
        sources: vec![String::new(), String::new()],
        ..DrawForm::default()
    }
}

/// `/admin/inspections/draws/new`: define and announce a draw.
#[component]
pub fn NewDrawPage() -> impl IntoView {
    let items = Resource::new_blocking(|| (), |_| check_items());
    let error = query_param("error").map(|e| error_message(&e));
    let form = form_from_query();
    let site = use_site();
    view! {
        <StaffGate title="新建抽查任务" roles=OFFICERS>
            <h1>"新建抽查任务"</h1>
            <DemoInChainNotice />
            {error.map(|message| view! { <Notice kind=NoticeKind::Error message /> })}
            <p class="hint">"公告后名录立即冻结，参数和随机数来源不能再改；公众看到任务、规则、名录摘要和来源，看不到名单。"</p>
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || {
                    let form = form.clone();
                    let site = site.clone();
                    Suspend::new(async move {
                        let items = items.await.unwrap_or_default();
                        view! { <DrawFormView form items action=site.href(AnnounceDraw::url()) /> }
                    })
                }}
            </Suspense>
        </StaffGate>
    }
}

#[component]
fn DrawFormView(
    form: DrawForm,
    items: Vec<crate::inspections::CheckItem>,
    action: String,
) -> impl IntoView {
    let checkbox_list = |name: &'static str,
                         options: Vec<(String, String)>,
                         chosen: Vec<String>| {
        options
            .into_iter()
            .map(|(value, label)| {
                let checked = chosen.contains(&value);
                let id = format!("{name}-{value}");
                let label_for = id.clone();
                view! {
                    <label class="check" for=label_for>
                        <input type="checkbox" id=id name=format!("form[{name}][]") value=value checked=checked />
                        {label}
                    </label>
                }
            })
            .collect_view()
    };
    let item_options = items
        .into_iter()
        .map(|i| (i.code.clone(), format!("{} {}", i.code, i.name)))
        .collect();
    let industries = INDUSTRIES
        .iter()
        .map(|i| (i.to_string(), i.to_string()))
        .collect();
    let towns = TOWNS
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let mut strata = form.strata.clone();
    strata.resize(strata.len().max(8), StratumForm::default());
    let groups = group_options();
    let strata_rows = strata
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let options = groups
                .iter()
                .map(|(key, label)| view! { <option value=key.clone() selected=*key == row.group>{label.clone()}</option> })
                .collect_view();
            view! {
                <tr>
                    <td><input type="text" aria-label=format!("第 {} 层名称", n + 1) name=format!("form[strata][{n}][name]") value=row.name maxlength="30" /></td>
                    <td><select aria-label=format!("第 {} 层对象", n + 1) name=format!("form[strata][{n}][group]")>{options}</select></td>
                    <td>
                        <select aria-label=format!("第 {} 层方式", n + 1) name=format!("form[strata][{n}][quota_kind]")>
                            <option value="percent" selected=row.quota_kind != "count">"按比例（%）"</option>
                            <option value="count" selected=row.quota_kind == "count">"按数量（家）"</option>
                        </select>
                    </td>
                    <td><input type="text" inputmode="numeric" aria-label=format!("第 {} 层比例或数量", n + 1) name=format!("form[strata][{n}][quota]") value=row.quota size="5" /></td>
                </tr>
            }
        })
        .collect_view();
    let mut sources = form.sources.clone();
    sources.resize(sources.len().max(3), String::new());
    let source_rows = sources
        .into_iter()
        .enumerate()
        .map(|(n, value)| {
            let id = format!("source-{n}");
            view! {
                <div class="field">
                    <label for=id.clone()>{format!("随机数来源 {}", n + 1)}</label>
                    <input id=id type="text" name=format!("form[sources][{n}]") value=value maxlength="200"
                        placeholder="例如：中国福利彩票双色球第 2026140 期（2026-12-03 开奖）全部开奖号码" />
                </div>
            }
        })
        .collect_view();
    view! {
        <form class="form" method="post" action=action>
            <CsrfField />
            <div class="field">
                <label for="title">"任务名称"</label>
                <input id="title" type="text" name="form[title]" value=form.title.clone() maxlength="100" required />
            </div>
            <fieldset>
                <legend>"抽查事项（只能从公布的清单中选择）"</legend>
                {checkbox_list("check_items", item_options, form.check_items.clone())}
            </fieldset>
            <fieldset>
                <legend>"行业范围（不选为全部）"</legend>
                {checkbox_list("industries", industries, form.industries.clone())}
            </fieldset>
            <fieldset>
                <legend>"镇街范围（不选为全部）"</legend>
                {checkbox_list("towns", towns, form.towns.clone())}
            </fieldset>
            <fieldset>
                <legend>"分层抽取（每家企业归入第一个符合的分层；空行忽略）"</legend>
                <table class="table">
                    <thead><tr><th scope="col">"分层名称"</th><th scope="col">"对象"</th><th scope="col">"方式"</th><th scope="col">"比例或数量"</th></tr></thead>
                    <tbody>{strata_rows}</tbody>
                </table>
            </fieldset>
            <div class="field">
                <label for="exclude">"排除近期已检查或已立案查处的企业（月数，0 为不排除）"</label>
                <input id="exclude" type="text" inputmode="numeric" name="form[exclude_months]" value=form.exclude_months.clone() size="4" />
            </div>
            <div class="field">
                <label for="team">"每组检查人员人数（至少 2 人）"</label>
                <input id="team" type="text" inputmode="numeric" name="form[team_size]" value=form.team_size.clone() size="4" />
            </div>
            <fieldset>
                <legend>"回避规则（申报回避的企业始终回避）"</legend>
                <label class="check" for="avoid-town"><input id="avoid-town" type="checkbox" name="form[avoid_own_town]" checked=form.avoid_own_town.is_some() />"不检查本人所在镇街的企业"</label>
                <label class="check" for="avoid-unit"><input id="avoid-unit" type="checkbox" name="form[avoid_own_unit]" checked=form.avoid_own_unit.is_some() />"不检查本人单位（镇街应急办）辖区的企业"</label>
                <label class="check" for="avoid-last"><input id="avoid-last" type="checkbox" name="form[avoid_last_inspectors]" checked=form.avoid_last_inspectors.is_some() />"不检查本人上次检查过的企业"</label>
            </fieldset>
            <fieldset>
                <legend>"公开随机数来源（须为公告时尚未产生的公开数据，按顺序组成密钥）"</legend>
                {source_rows}
            </fieldset>
            <button type="submit" class="button">"公告任务并冻结名录"</button>
        </form>
    }
}

/// `/admin/inspections/draws/{id}`: draw, record results, reveal, publish.
#[component]
pub fn StaffDrawPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|params| params.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let draw = Resource::new_blocking(move || id, load_staff_draw);
    let done = query_param("done").and_then(|d| done_message(&d));
    let error = query_param("error").map(|e| error_message(&e));
    view! {
        <StaffGate title="抽查任务" roles=OFFICERS>
            {done.map(|message| view! { <Notice kind=NoticeKind::Success message /> })}
            {error.map(|message| view! { <Notice kind=NoticeKind::Error message /> })}
            <Suspense fallback=|| view! { <p>"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match draw.await {
                        Ok(Some(draw)) => view! { <StaffDrawView draw /> }.into_any(),
                        Ok(None) => view! { <EmptyState title="没有这个抽查任务" hint="请从抽查管理页面进入。" /> }.into_any(),
                        Err(_) => view! { <Notice kind=NoticeKind::Error message="暂时无法读取，请稍后再试。" /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffGate>
    }
}

#[component]
fn StaffDrawView(draw: StaffDraw) -> impl IntoView {
    let site = use_site();
    let detail = draw.detail;
    let id = detail.summary.id;
    let status = detail.summary.status;
    let public = site.href(&format!("/inspections/draws/{id}"));
    let values_form = (status == DrawStatus::Announced).then(|| {
        let typed: Vec<Option<String>> = (0..detail.sources.len())
            .map(|n| query_param(&format!("values[{n}]")))
            .collect();
        let fields = detail
            .sources
            .iter()
            .enumerate()
            .map(|(n, source)| {
                let field = format!("value-{n}");
                view! {
                    <div class="field">
                        <label for=field.clone()>{format!("来源 {}：{}", n + 1, source.description)}</label>
                        <input id=field type="text" name=format!("values[{n}]") value=typed[n].clone().unwrap_or_default()
                            inputmode="numeric" required placeholder="开奖号码，用逗号分隔，例如：3, 11, 19, 25, 30, 32, 7" />
                    </div>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="run-title">
                <h2 id="run-title">"抽签"</h2>
                <p class="hint">"公告的公开数据揭晓后，照实填写全部号码。抽签只能进行一次，结果立即写入抽签日志。"</p>
                <form class="form" method="post" action=site.href(RunDraw::url())>
                    <CsrfField />
                    <input type="hidden" name="id" value=id />
                    {fields}
                    <button type="submit" class="button">"抽签"</button>
                </form>
            </section>
        }
    });
    let reveal = (status == DrawStatus::Drawn).then(|| {
        view! {
            <form class="form form--inline" method="post" action=site.href(RevealDraw::url())>
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button">"检查已结束，公开名单"</button>
            </form>
        }
    });
    let publish = (status == DrawStatus::Revealed).then(|| view! {
        <form class="form form--inline" method="post" action=site.href(PublishResults::url())>
            <CsrfField />
            <input type="hidden" name="id" value=id />
            <button type="submit" class="button">
                {if detail.results_published_at.is_some() { "重新公开检查结果（含新录入的）" } else { "公开检查结果" }}
            </button>
        </form>
    });
    let published = detail.results_published_at.is_some();
    let rows = (!draw.rows.is_empty()).then(|| {
        let list = draw
            .rows
            .into_iter()
            .map(|row| view! { <ResultRow draw_id=id row published /> })
            .collect_view();
        view! {
            <section aria-labelledby="list-title">
                <h2 id="list-title">"抽查名单和检查结果"</h2>
                {(status == DrawStatus::Drawn).then(|| view! { <p class="hint">"名单保密，检查结束前不得外传。"</p> })}
                <ol class="staff-results">{list}</ol>
            </section>
        }
    });
    view! {
        <h1>{detail.summary.title.clone()}</h1>
        <p>
            <span class=format!("status status--{}", status.as_str())>{status.label()}</span>
            " · "<a href=public>"公开页面"</a>
            " · "<a href=site.href(&format!("/admin/inspections/draws/{id}/declarations.json"))
                title="执法人员申报的全部回避关系及其密封值，仅供审计核对，导出会记入操作日志">
                "回避声明（供审计，JSON）"
            </a>
        </p>
        {values_form}
        {reveal}
        {publish}
        {rows}
        <section aria-labelledby="rules-title">
            <h2 id="rules-title">"抽取规则"</h2>
            <RulesView rules=detail.rules.clone() />
        </section>
    }
}

#[component]
fn ResultRow(draw_id: i64, row: StaffRow, published: bool) -> impl IntoView {
    let site = use_site();
    let uscc = row.row.uscc.clone();
    // Values sent back after a refusal, for this row only.
    let refused = query_param("uscc").as_deref() == Some(uscc.as_str());
    let typed = |name: &str, saved: String| {
        if refused {
            query_param(name).unwrap_or_default()
        } else {
            saved
        }
    };
    let result = row.result.clone();
    let inspected = typed(
        "inspected_on",
        result
            .as_ref()
            .map(|r| r.inspected_on.clone())
            .unwrap_or_default(),
    );
    let produced = typed("produced_on", row.produced_on.clone().unwrap_or_default());
    let category = typed(
        "category",
        result
            .as_ref()
            .map(|r| r.category.as_str().to_string())
            .unwrap_or_default(),
    );
    let found = typed(
        "hazards_found",
        result
            .as_ref()
            .map(|r| r.hazards_found.to_string())
            .unwrap_or_else(|| "0".into()),
    );
    let rectified = typed(
        "hazards_rectified",
        result
            .as_ref()
            .map(|r| r.hazards_rectified.to_string())
            .unwrap_or_else(|| "0".into()),
    );
    let follow_up = typed(
        "follow_up",
        result
            .as_ref()
            .map(|r| r.follow_up.clone())
            .unwrap_or_default(),
    );
    let options = ResultCategory::ALL
        .iter()
        .map(|c| view! { <option value=c.as_str() selected=c.as_str() == category>{c.label()}</option> })
        .collect_view();
    let team = row
        .row
        .team
        .iter()
        .map(|m| format!("{}（{}）", m.name, m.certificate))
        .collect::<Vec<_>>()
        .join("、");
    let deadline = row.deadline.map(|(due, left)| {
        let text = if left >= 0 {
            format!("公开期限 {due}，还剩 {left} 个工作日")
        } else {
            format!("公开期限 {due}，已超期 {} 个工作日", -left)
        };
        view! { <p class=if left < 0 { "deadline deadline--late" } else { "deadline" }>{text}</p> }
    });
    let anchor = format!("result-{uscc}");
    let p = format!("r-{uscc}");
    view! {
        <li id=anchor class="staff-result">
            <h3>{row.row.name.clone()}</h3>
            <p class="hint"><code>{uscc.clone()}</code>" · "{row.row.town.clone()}" · "{row.row.industry.clone()}" · "{row.row.stratum.clone()}" · 检查组："{team}</p>
            {deadline}
            <form class="form result-form" method="post" action=site.href(SaveResult::url())>
                <CsrfField />
                <input type="hidden" name="result[draw_id]" value=draw_id />
                <input type="hidden" name="result[uscc]" value=uscc.clone() />
                <div class="field"><label for=format!("{p}-inspected")>"检查日期"</label><input id=format!("{p}-inspected") type="date" name="result[inspected_on]" value=inspected required /></div>
                <div class="field"><label for=format!("{p}-produced")>"结果作出日期"</label><input id=format!("{p}-produced") type="date" name="result[produced_on]" value=produced required /></div>
                <div class="field"><label for=format!("{p}-category")>"检查结果"</label><select id=format!("{p}-category") name="result[category]" required><option value="">"请选择"</option>{options}</select></div>
                <div class="field"><label for=format!("{p}-found")>"发现隐患数"</label><input id=format!("{p}-found") type="number" min="0" name="result[hazards_found]" value=found /></div>
                <div class="field"><label for=format!("{p}-rectified")>"已整改隐患数"</label><input id=format!("{p}-rectified") type="number" min="0" name="result[hazards_rectified]" value=rectified /></div>
                <div class="field"><label for=format!("{p}-follow")>"后续处理"</label><input id=format!("{p}-follow") type="text" name="result[follow_up]" value=follow_up maxlength="500" /></div>
                {published.then(|| {
                    let reason = if refused { query_param("correction_reason").unwrap_or_default() } else { String::new() };
                    view! {
                        <div class="field">
                            <label for=format!("{p}-reason")>"更正原因（结果已公开，修改即为更正，原结果和原因将一并公示）"</label>
                            <textarea id=format!("{p}-reason") name="result[correction_reason]" maxlength=CORRECTION_REASON_MAX.to_string() required>{reason}</textarea>
                        </div>
                    }
                })}
                <button type="submit" class="button">{if published { "保存更正" } else { "保存检查结果" }}</button>
            </form>
        </li>
    }
}
