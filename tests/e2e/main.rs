//! End-to-end tests: the real server on `127.0.0.1:0`, driven by real clients (the AWS SDK for
//! Rust and the aws CLI) and, for malformed input only, by hand-made requests.
//!
//! One test binary (build time on two cores); a module per area.

mod support;

mod binary;
mod bootstrap;
mod cli;
mod codedeploy_groups;
mod deployments;
mod ecs_cli;
mod ecs_services;
mod ecs_task_definitions;
mod elbv2;
mod elbv2_cli;
mod foundation;
mod hook_server;
mod malformed;
mod story_cli;
