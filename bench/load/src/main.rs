//! Load for the contest: many participants start an attempt and submit it, concurrently, on a
//! running server; reports scored submissions per second and their latency. Each of the
//! `CONCURRENCY` workers keeps one HTTP/1.1 connection alive and plays its participants one after
//! another over it, each with their own participant cookie and address (a phone keeps its
//! connection for its two requests the same way; a new client per participant made the load
//! generator, not the server, the bottleneck on two cores). Run by
//! `bench/contest.sh` and `bench/run.sh`, which start the server (trusting `X-Forwarded-For`, so
//! that every participant comes from an address of their own) and create the contest.
//!
//! cargo run --release -p bench-load --bin contest_load -- URL CONTEST_ID PARTICIPANTS CONCURRENCY

use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:3297".into());
    let contest: i64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let participants: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let concurrency: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(64);

    let started = Instant::now();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (base, next) = (base.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(1)
                .build()
                .expect("an HTTP client");
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= participants {
                    break;
                }
                match participant(&client, &base, contest, n).await {
                    Ok(latency) => latencies.push(latency),
                    Err(error) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("participant {n}: {error}");
                        }
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mut l, e) = worker.await.expect("worker");
        latencies.append(&mut l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "participants={participants} concurrency={concurrency} scored={} errors={errors} seconds={:.1} submissions_per_sec={:.0} submit_p50_ms={:.1} submit_p99_ms={:.1}",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pick(0.50).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
    );
}

/// One participant from an address of their own: start, then submit; the submission's latency.
async fn participant(
    client: &reqwest::Client,
    base: &str,
    contest: i64,
    n: usize,
) -> Result<Duration, String> {
    let address = format!("10.{}.{}.{}", n / 65_536 % 256, n / 256 % 256, n % 256);
    let call = |endpoint: &str, body: Value, cookie: &str| {
        let mut request = client
            .post(format!("{base}/api/{endpoint}"))
            .header("origin", base)
            .header("x-forwarded-for", address.clone())
            .json(&body);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let response = call(
        "attempt_start",
        json!({ "contest_id": contest, "entrant": { "nickname": format!("参赛者{n}"), "town": "长沙街道" } }),
        "",
    )
    .await
    .map_err(|e| e.to_string())?;
    // The participant cookie the start set: what the browser sends with the submission.
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("aqxc_player="))
        .and_then(|value| value.split(';').next())
        .unwrap_or_default()
        .to_string();
    let started: Value = response.json().await.map_err(|e| e.to_string())?;
    // A started attempt, or a refusal (`{"Refused": "…"}`) to report.
    if started.get("id").is_none() {
        return Err(started.to_string());
    }
    let view = &started;
    let count = view["questions"].as_array().map_or(0, Vec::len);
    let attempt = view["id"].as_str().unwrap_or_default().to_string();
    let answers: Vec<Vec<usize>> = (0..count).map(|i| vec![i % 2]).collect();
    let submitted_at = Instant::now();
    let response = call(
        "attempt_submit",
        json!({ "attempt_id": attempt, "answers": answers }),
        &cookie,
    )
    .await
    .map_err(|e| e.to_string())?;
    let latency = submitted_at.elapsed();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if body != Value::Null {
        return Err(body.to_string());
    }
    Ok(latency)
}
