use app::foundation::db::Pool;
use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use serde::Serialize;

use crate::{db, state::AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 when the database answers, 503 when it does not; never cached.
async fn healthz(State(pool): State<Pool>) -> impl IntoResponse {
    let (status, health) = if db::is_healthy(&pool).await {
        (
            StatusCode::OK,
            Health {
                status: "ok",
                database: "ok",
            },
        )
    } else {
        tracing::error!("health check: the database does not answer");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Health {
                status: "unavailable",
                database: "unreachable",
            },
        )
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(health))
}
