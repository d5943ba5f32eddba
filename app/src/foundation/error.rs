//! The one error type of every server function. A function either succeeds, or says why not in
//! one of these words; the browser decodes the same type (JSON), and the server's middleware
//! gives each kind its HTTP status (`server/src/middleware/server_fn_status.rs`).

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// Why a server function did not do what it was asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Refused, with a message for the person (a rule of the contest, a form's problem).
    #[error("{0}")]
    Refused(String),
    #[error("请先登录")]
    SignInRequired,
    #[error("您没有执行此操作的权限")]
    Forbidden,
    /// Something failed inside; the cause went to the log, never to the visitor.
    #[error("服务器内部错误，请稍后再试")]
    Internal,
    /// The call itself failed: arguments that could not be read, or (in the browser) no answer.
    #[error("{}", call_message(.0))]
    Call(ServerFnErrorErr),
}

fn call_message(error: &ServerFnErrorErr) -> &'static str {
    match error {
        ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
            "请求的格式不正确，服务器无法处理"
        }
        _ => "暂时无法连接服务器，请检查网络后再试",
    }
}

impl AppError {
    pub fn refused(message: impl Into<String>) -> AppError {
        AppError::Refused(message.into())
    }

    /// Logs the cause and answers with [`AppError::Internal`], which tells the visitor nothing
    /// internal.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %cause, "a server function failed");
        AppError::Internal
    }

    /// The HTTP status a response with this error carries.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Refused(_) => 422,
            AppError::SignInRequired => 401,
            AppError::Forbidden => 403,
            AppError::Internal => 500,
            AppError::Call(ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_)) => 400,
            AppError::Call(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> AppError {
        AppError::Call(value)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::staff::store::StoreError> for AppError {
    fn from(error: crate::staff::store::StoreError) -> AppError {
        AppError::internal(error)
    }
}

#[cfg(feature = "ssr")]
impl From<argon2::password_hash::Error> for AppError {
    fn from(error: argon2::password_hash::Error) -> AppError {
        AppError::internal(error)
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> AppError {
        AppError::internal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_status_and_a_message_for_people() {
        let bad_args = AppError::Call(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(bad_args.status(), 400);
        assert_eq!(bad_args.to_string(), "请求的格式不正确，服务器无法处理");
        assert_eq!(AppError::refused("次数已用完").to_string(), "次数已用完");
        assert_eq!(AppError::refused("x").status(), 422);
        assert_eq!(AppError::SignInRequired.status(), 401);
        assert_eq!(AppError::Internal.to_string(), "服务器内部错误，请稍后再试");
    }

    #[test]
    fn the_browser_reads_back_what_the_server_sent() {
        let sent = AppError::refused("已经交卷");
        let bytes = sent.ser();
        assert_eq!(AppError::de(bytes), sent);
    }
}
