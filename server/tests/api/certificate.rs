//! The certificate picture under a crowd: drawn once per certificate and kept, a few drawings at
//! most at once (503 with `Retry-After` past that), and not sent again to a phone that has it.

use std::{path::Path, sync::Arc};

use server::{certificate::pictures::Pictures, config::Config, startup::Application};

/// A demo server (whose passed participants have certificates), and its pictures' counter.
struct Served {
    origin: String,
    pictures: Arc<Pictures>,
    codes: Vec<String>,
    _dir: tempfile::TempDir,
}

async fn serve_demo(drawings: u64) -> Served {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = crate::database::fresh_database_url(dir.path(), "data/test.db").await;
    let mut config = Config::for_tests(url, dir.path().join("site"), "/");
    config.content_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    config.uploads_dir = dir.path().join("uploads");
    config.demo = true;
    config.security.public_origin = Some("https://www.kaiping.gov.cn".to_string());
    config.certificate_drawings = drawings;
    let app = Application::build(config).await.expect("the app builds");
    let origin = format!("http://127.0.0.1:{}", app.port());
    let pictures = app.pictures();
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT certificate FROM attempts WHERE certificate IS NOT NULL ORDER BY certificate",
    )
    .fetch_all(&app.pool())
    .await
    .expect("the demo's certificates");
    assert!(!codes.is_empty(), "the demo has passed participants");
    tokio::spawn(app.run_until_stopped());
    Served {
        origin,
        pictures,
        codes,
        _dir: dir,
    }
}

/// What one phone got: the status, `Retry-After`, `ETag` and the bytes.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    etag: Option<String>,
    body: Vec<u8>,
}

async fn ask(client: &reqwest::Client, url: String, etag: Option<&str>) -> Answer {
    let mut request = client.get(url);
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("a text header").to_string())
    };
    Answer {
        status: response.status().as_u16(),
        retry_after: header("retry-after"),
        etag: header("etag"),
        body: response.bytes().await.expect("a body").to_vec(),
    }
}

/// Many phones at once, each on its own connection.
async fn crowd(urls: Vec<String>) -> Vec<Answer> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("http client");
    let asking: Vec<_> = urls
        .into_iter()
        .map(|url| tokio::spawn(ask_owned(client.clone(), url)))
        .collect();
    let mut answers = Vec::new();
    for answer in asking {
        answers.push(answer.await.expect("the request task"));
    }
    answers
}

async fn ask_owned(client: reqwest::Client, url: String) -> Answer {
    ask(&client, url, None).await
}

fn assert_picture_or_come_back_later(answer: &Answer) {
    match answer.status {
        200 => assert!(answer.body.starts_with(b"\x89PNG"), "a PNG picture"),
        503 => assert!(
            answer.retry_after.is_some(),
            "a busy server says when to come back"
        ),
        other => panic!("status {other}: {}", String::from_utf8_lossy(&answer.body)),
    }
}

#[tokio::test]
async fn a_hundred_phones_asking_for_one_certificate_picture_at_once_cause_one_drawing() {
    let served = serve_demo(2).await;
    let url = format!(
        "{}/contest/certificate/{}.png",
        served.origin, served.codes[0]
    );
    let answers = crowd(vec![url.clone(); 100]).await;

    answers.iter().for_each(assert_picture_or_come_back_later);
    let pictures: Vec<&Answer> = answers.iter().filter(|a| a.status == 200).collect();
    assert!(!pictures.is_empty(), "someone got the picture");
    assert!(
        pictures.iter().all(|a| a.body == pictures[0].body),
        "every phone got the same picture"
    );
    assert_eq!(served.pictures.drawn(), 1, "the picture was drawn once");

    // A phone that has the picture is told so, with nothing drawn or sent again.
    let etag = pictures[0]
        .etag
        .clone()
        .expect("the picture carries an ETag");
    assert!(pictures.iter().all(|a| a.etag.as_ref() == Some(&etag)));
    let client = reqwest::Client::new();
    let again = ask(&client, url.clone(), Some(&etag)).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // And one without it gets the kept picture.
    let fresh = ask(&client, url, None).await;
    assert_eq!((fresh.status, &fresh.body), (200, &pictures[0].body));
    assert_eq!(served.pictures.drawn(), 1, "nothing drawn again");
}

#[tokio::test]
async fn every_certificate_asked_for_at_once_is_drawn_once_and_a_busy_server_says_come_back() {
    // One drawing at a time: the rest of a crowd of different certificates is turned away.
    let served = serve_demo(1).await;
    let urls: Vec<String> = served
        .codes
        .iter()
        .flat_map(|code| {
            let url = format!("{}/contest/certificate/{code}.png", served.origin);
            // A code is read whatever its case: both ask for the same picture.
            [url.clone(), url.to_lowercase(), url]
        })
        .collect();
    let answers = crowd(urls).await;
    answers.iter().for_each(assert_picture_or_come_back_later);
    let drawn = served.pictures.drawn();
    assert!(
        drawn <= served.codes.len() as u64,
        "no certificate drawn twice ({drawn} drawings, {} certificates)",
        served.codes.len()
    );

    // Nothing is lost: each phone turned away gets its picture when it comes back.
    let client = reqwest::Client::new();
    for code in &served.codes {
        let url = format!("{}/contest/certificate/{code}.png", served.origin);
        let mut answer = ask(&client, url.clone(), None).await;
        for _ in 0..50 {
            if answer.status != 503 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            answer = ask(&client, url.clone(), None).await;
        }
        assert_eq!(answer.status, 200, "{code}");
    }
    assert_eq!(served.pictures.drawn(), served.codes.len() as u64);
}
