//! The safety knowledge contest's rules: the question bank format and its checks, drawing a
//! paper, and scoring. Plain Rust, shared by the server and the browser.

pub mod bank;
pub mod paper;
pub mod scoring;
