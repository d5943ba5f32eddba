//! Integration tests: each starts the real server on a random port with a fresh database.

mod article_workflow;
mod articles;
mod assets;
mod audit_flood;
mod backup;
mod base_path;
mod binary;
mod cluster;
mod contest;
mod crash;
mod database;
mod demo;
mod hardening;
mod health;
mod helpers;
mod inspections;
mod instances;
mod page_cache;
mod pages;
mod prefs;
mod rolling;
mod security;
mod staff;
mod stores;
