//! Issue 3: ELBv2 through the AWS SDK for Rust under a manual clock — target groups, targets and
//! their simulated health at exact virtual times, listeners with weighted forwards, rules, tags,
//! attributes, and the errors AWS gives.

use aws_sdk_elasticloadbalancingv2 as elb;
use elb::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, ForwardActionConfig, ProtocolEnum,
    RuleCondition, RulePriorityPair, Tag, TargetDescription, TargetGroupAttribute,
    TargetGroupTuple, TargetHealthStateEnum as S, TargetTypeEnum,
};
use reqwest::Method;
use serde_json::json;

use crate::support::{server, TestServer};

pub struct Stack {
    pub lb: String,
    pub tg_a: String,
    pub tg_b: String,
}

pub async fn target_group(c: &elb::Client, name: &str) -> String {
    c.create_target_group()
        .name(name)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id("vpc-0abc")
        .target_type(TargetTypeEnum::Ip)
        .send()
        .await
        .unwrap()
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_owned()
}

pub fn forward(tg: &str) -> Action {
    Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(tg)
        .build()
}

pub fn weighted(groups: &[(&str, i32)]) -> Action {
    let mut fc = ForwardActionConfig::builder();
    for (arn, w) in groups {
        fc = fc.target_groups(
            TargetGroupTuple::builder()
                .target_group_arn(*arn)
                .weight(*w)
                .build(),
        );
    }
    Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .forward_config(fc.build())
        .build()
}

pub fn target(ip: &str) -> TargetDescription {
    TargetDescription::builder().id(ip).build()
}

/// An ALB with two target groups and no listener.
pub async fn stack(s: &TestServer) -> Stack {
    let c = s.elbv2();
    let lb = c
        .create_load_balancer()
        .name("alb")
        .subnets("subnet-1")
        .subnets("subnet-2")
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    Stack {
        lb,
        tg_a: target_group(&c, "tg-a").await,
        tg_b: target_group(&c, "tg-b").await,
    }
}

/// Sets a target group's `deregistration_delay.timeout_seconds`.
pub async fn set_deregistration_delay(s: &TestServer, tg: &str, seconds: u32) {
    s.elbv2()
        .modify_target_group_attributes()
        .target_group_arn(tg)
        .attributes(
            TargetGroupAttribute::builder()
                .key("deregistration_delay.timeout_seconds")
                .value(seconds.to_string())
                .build(),
        )
        .send()
        .await
        .unwrap();
}

pub async fn listener(s: &TestServer, lb: &str, port: i32, action: Action) -> String {
    s.elbv2()
        .create_listener()
        .load_balancer_arn(lb)
        .port(port)
        .protocol(ProtocolEnum::Http)
        .default_actions(action)
        .send()
        .await
        .unwrap()
        .listeners()[0]
        .listener_arn()
        .unwrap()
        .to_owned()
}

/// (state, reason) of every target of a group, in id order.
async fn health(s: &TestServer, tg: &str) -> Vec<(S, Option<String>)> {
    s.elbv2()
        .describe_target_health()
        .target_group_arn(tg)
        .send()
        .await
        .unwrap()
        .target_health_descriptions()
        .iter()
        .map(|d| {
            let h = d.target_health().unwrap();
            (
                h.state().unwrap().clone(),
                h.reason().map(|r| r.as_str().to_owned()),
            )
        })
        .collect()
}

async fn one_state(s: &TestServer, tg: &str) -> S {
    let h = health(s, tg).await;
    assert_eq!(h.len(), 1, "{h:?}");
    h[0].0.clone()
}

#[tokio::test]
async fn target_group_defaults_errors_and_paging() {
    let s = server().await;
    let c = s.elbv2();
    let out = c
        .create_target_group()
        .name("web")
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .vpc_id("vpc-1")
        .target_type(TargetTypeEnum::Ip)
        .send()
        .await
        .unwrap();
    let tg = &out.target_groups()[0];
    assert_eq!(tg.health_check_interval_seconds(), Some(30));
    assert_eq!(tg.health_check_timeout_seconds(), Some(5));
    assert_eq!(tg.healthy_threshold_count(), Some(5));
    assert_eq!(tg.unhealthy_threshold_count(), Some(2));
    assert_eq!(tg.health_check_path(), Some("/"));
    assert_eq!(tg.health_check_port(), Some("traffic-port"));
    assert_eq!(tg.matcher().unwrap().http_code(), Some("200"));
    assert_eq!(tg.protocol_version(), Some("HTTP1"));
    assert!(tg.load_balancer_arns().is_empty());
    let arn = tg.target_group_arn().unwrap().to_owned();
    assert!(arn.starts_with("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/"));

    // Identical settings: the same group back; different ones: a duplicate.
    let again = c
        .create_target_group()
        .name("web")
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .vpc_id("vpc-1")
        .target_type(TargetTypeEnum::Ip)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.target_groups()[0].target_group_arn(),
        Some(arn.as_str())
    );
    let e = c
        .create_target_group()
        .name("web")
        .protocol(ProtocolEnum::Http)
        .port(9090)
        .vpc_id("vpc-1")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_target_group_name_exception(), "{e:?}");

    for (name, code) in [
        ("-bad", "ValidationError"),
        ("way-too-long-name-for-a-target-group", "ValidationError"),
        ("under_score", "ValidationError"),
    ] {
        let e = c
            .create_target_group()
            .name(name)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id("v")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(e.meta().code(), Some(code), "{name}");
    }
    let e = c
        .create_target_group()
        .name("noport")
        .protocol(ProtocolEnum::Http)
        .vpc_id("v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let e = c
        .create_target_group()
        .name("x")
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id("v")
        .health_check_interval_seconds(4)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let e = c
        .create_target_group()
        .name("x")
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id("v")
        .health_check_interval_seconds(5)
        .health_check_timeout_seconds(6)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_configuration_request_exception(), "{e:?}");

    let e = c
        .describe_target_groups()
        .names("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_not_found_exception());
    let e = c
        .describe_target_groups()
        .names("web")
        .target_group_arns(&arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let e = c.describe_target_groups().load_balancer_arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0000000000000000").send().await.unwrap_err().into_service_error();
    assert!(e.is_load_balancer_not_found_exception());

    // Modify health checks.
    let m = c
        .modify_target_group()
        .target_group_arn(&arn)
        .health_check_path("/health")
        .healthy_threshold_count(2)
        .send()
        .await
        .unwrap();
    assert_eq!(m.target_groups()[0].health_check_path(), Some("/health"));
    assert_eq!(m.target_groups()[0].healthy_threshold_count(), Some(2));
    let e = c
        .modify_target_group()
        .target_group_arn(&arn)
        .unhealthy_threshold_count(11)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));

    // Paging over many groups.
    for i in 0..9 {
        target_group(&c, &format!("g{i}")).await;
    }
    let mut names = Vec::new();
    let mut pages = c
        .describe_target_groups()
        .page_size(4)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        names.extend(
            p.unwrap()
                .target_groups()
                .iter()
                .map(|t| t.target_group_name().unwrap().to_owned()),
        );
    }
    assert_eq!(names.len(), 10);
    assert_eq!(names.first().map(String::as_str), Some("g0"));

    // Deleting an unknown group succeeds; a deleted group is gone.
    c.delete_target_group()
        .target_group_arn(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0000000000000000",
        )
        .send()
        .await
        .unwrap();
    c.delete_target_group()
        .target_group_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(c
        .describe_target_groups()
        .target_group_arns(&arn)
        .send()
        .await
        .unwrap_err()
        .into_service_error()
        .is_target_group_not_found_exception());
}

#[tokio::test]
async fn target_group_attributes() {
    let s = server().await;
    let c = s.elbv2();
    let tg = target_group(&c, "tg").await;
    let attrs = c
        .describe_target_group_attributes()
        .target_group_arn(&tg)
        .send()
        .await
        .unwrap();
    let get = |a: &[TargetGroupAttribute], k: &str| {
        a.iter()
            .find(|x| x.key() == Some(k))
            .and_then(|x| x.value())
            .map(str::to_owned)
    };
    assert_eq!(
        get(attrs.attributes(), "deregistration_delay.timeout_seconds").as_deref(),
        Some("300")
    );
    assert_eq!(
        get(attrs.attributes(), "stickiness.type").as_deref(),
        Some("lb_cookie")
    );
    assert_eq!(
        get(attrs.attributes(), "load_balancing.algorithm.type").as_deref(),
        Some("round_robin")
    );
    let out = c
        .modify_target_group_attributes()
        .target_group_arn(&tg)
        .attributes(
            TargetGroupAttribute::builder()
                .key("deregistration_delay.timeout_seconds")
                .value("45")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(out.attributes(), "deregistration_delay.timeout_seconds").as_deref(),
        Some("45")
    );
    assert_eq!(
        get(out.attributes(), "stickiness.enabled").as_deref(),
        Some("false"),
        "the full set comes back"
    );
    let e = c
        .modify_target_group_attributes()
        .target_group_arn(&tg)
        .attributes(
            TargetGroupAttribute::builder()
                .key("deregistration_delay.timeout_seconds")
                .value("3601")
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_configuration_request_exception(), "{e:?}");
    let e = c
        .modify_target_group_attributes()
        .target_group_arn(&tg)
        .attributes(
            TargetGroupAttribute::builder()
                .key("no.such.key")
                .value("1")
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    // The failed calls changed nothing.
    let attrs = c
        .describe_target_group_attributes()
        .target_group_arn(&tg)
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(attrs.attributes(), "deregistration_delay.timeout_seconds").as_deref(),
        Some("45")
    );
    let e = c
        .describe_target_group_attributes()
        .target_group_arn(tg.replace("/tg/", "/zz/"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_not_found_exception());
}

#[tokio::test]
async fn health_transitions_at_exact_virtual_times() {
    let s = server().await;
    let c = s.elbv2();
    let st = stack(&s).await;
    c.register_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.10"))
        .send()
        .await
        .unwrap();
    // No listener forwards to the group yet.
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![(S::Unused, Some("Target.NotInUse".into()))]
    );
    listener(&s, &st.lb, 80, forward(&st.tg_a)).await;
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![(S::Initial, Some("Elb.RegistrationInProgress".into()))]
    );
    s.advance(30.0).await;
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![(S::Initial, Some("Elb.InitialHealthChecking".into()))]
    );
    // HealthyThresholdCount (5) x interval (30 s) = 150 s after checks started.
    s.advance(119.999).await;
    assert_eq!(one_state(&s, &st.tg_a).await, S::Initial);
    s.advance(0.001).await;
    assert_eq!(health(&s, &st.tg_a).await, vec![(S::Healthy, None)]);

    // Force failing checks: unhealthy after UnhealthyThresholdCount (2) x 30 s.
    let (code, v) = s
        .control(
            Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(
                json!({"targetGroupArn": st.tg_a, "id": "10.0.1.10", "port": 80, "healthy": false}),
            ),
        )
        .await;
    assert_eq!(code, 200, "{v}");
    s.advance(59.999).await;
    assert_eq!(one_state(&s, &st.tg_a).await, S::Healthy);
    s.advance(0.001).await;
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![(S::Unhealthy, Some("Target.ResponseCodeMismatch".into()))]
    );
    // Clear the override: healthy again after 150 s.
    s.control(
        Method::PUT,
        "/_cutover/elbv2/target-health",
        Some(json!({"targetGroupArn": st.tg_a, "id": "10.0.1.10", "healthy": null})),
    )
    .await;
    s.advance(149.0).await;
    assert_eq!(one_state(&s, &st.tg_a).await, S::Unhealthy);
    s.advance(1.0).await;
    assert_eq!(one_state(&s, &st.tg_a).await, S::Healthy);

    // A flip back before the threshold is reached changes nothing.
    for healthy in [false, true] {
        s.control(
            Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(json!({"targetGroupArn": st.tg_a, "id": "10.0.1.10", "healthy": healthy})),
        )
        .await;
        s.advance(30.0).await;
    }
    s.advance(600.0).await;
    assert_eq!(one_state(&s, &st.tg_a).await, S::Healthy);

    // Control API errors.
    let (code, _) = s
        .control(
            Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(json!({"targetGroupArn": st.tg_a, "id": "10.9.9.9", "healthy": false})),
        )
        .await;
    assert_eq!(code, 404);
    let (code, _) = s
        .control(
            Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(json!({"targetGroupArn": "nope", "id": "x", "healthy": false})),
        )
        .await;
    assert_eq!(code, 400);
    let (code, _) = s
        .control(
            Method::PUT,
            "/_cutover/elbv2/target-health",
            Some(json!({"targetGroupArn": st.tg_a, "id": "10.0.1.10", "healthy": "yes"})),
        )
        .await;
    assert_eq!(code, 400);

    // Disabled health checks: unavailable.
    c.modify_target_group()
        .target_group_arn(&st.tg_a)
        .health_check_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![(S::Unavailable, Some("Target.HealthCheckDisabled".into()))]
    );
}

#[tokio::test]
async fn draining_lasts_exactly_the_deregistration_delay() {
    let s = server().await;
    let c = s.elbv2();
    let st = stack(&s).await;
    listener(&s, &st.lb, 80, forward(&st.tg_a)).await;
    set_deregistration_delay(&s, &st.tg_a, 45).await;
    c.register_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.10"))
        .targets(target("10.0.1.11"))
        .send()
        .await
        .unwrap();
    s.advance(150.0).await;
    assert_eq!(health(&s, &st.tg_a).await.len(), 2);
    c.deregister_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.10"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health(&s, &st.tg_a).await,
        vec![
            (S::Draining, Some("Target.DeregistrationInProgress".into())),
            (S::Healthy, None)
        ]
    );
    s.advance(44.999).await;
    assert_eq!(health(&s, &st.tg_a).await[0].0, S::Draining);
    s.advance(0.001).await;
    assert_eq!(health(&s, &st.tg_a).await, vec![(S::Healthy, None)]);
    // Asked for by name, a gone target is unused / not registered (what TargetDeregistered wants).
    let d = c
        .describe_target_health()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.10"))
        .send()
        .await
        .unwrap();
    let h = d.target_health_descriptions()[0].target_health().unwrap();
    assert_eq!(
        (h.state(), h.reason().map(|r| r.as_str())),
        (Some(&S::Unused), Some("Target.NotRegistered"))
    );
    // Deregistering an unregistered target succeeds; re-registering a draining one restarts it.
    c.deregister_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.99"))
        .send()
        .await
        .unwrap();
    c.deregister_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.11"))
        .send()
        .await
        .unwrap();
    c.register_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("10.0.1.11"))
        .send()
        .await
        .unwrap();
    assert_eq!(one_state(&s, &st.tg_a).await, S::Initial);
    s.advance(45.0).await;
    assert_eq!(
        one_state(&s, &st.tg_a).await,
        S::Initial,
        "the old drain was cancelled"
    );

    let e = c
        .register_targets()
        .target_group_arn(&st.tg_a)
        .targets(target("i-0123"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_target_exception(), "{e:?}");
    let e = c
        .register_targets()
        .target_group_arn(st.tg_a.replace("tg-a", "tg-z"))
        .targets(target("10.0.0.1"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_not_found_exception());
}

#[tokio::test]
async fn listeners_weighted_forwards_and_errors() {
    let s = server().await;
    let c = s.elbv2();
    let st = stack(&s).await;
    let l = listener(&s, &st.lb, 80, forward(&st.tg_a)).await;
    // Canonical form: single forward carries TargetGroupArn and a ForwardConfig with weight 1.
    let d = c
        .describe_listeners()
        .listener_arns(&l)
        .send()
        .await
        .unwrap();
    let a = &d.listeners()[0].default_actions()[0];
    assert_eq!(a.target_group_arn(), Some(st.tg_a.as_str()));
    let fc = a.forward_config().unwrap();
    assert_eq!(fc.target_groups()[0].weight(), Some(1));
    assert_eq!(
        fc.target_group_stickiness_config().unwrap().enabled(),
        Some(false)
    );
    // The group now lists the load balancer.
    let tg = c
        .describe_target_groups()
        .target_group_arns(&st.tg_a)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tg.target_groups()[0].load_balancer_arns(),
        std::slice::from_ref(&st.lb)
    );

    // Weighted shift round-trips through DescribeListeners and DescribeRules.
    c.modify_listener()
        .listener_arn(&l)
        .default_actions(weighted(&[(&st.tg_a, 90), (&st.tg_b, 10)]))
        .send()
        .await
        .unwrap();
    let d = c
        .describe_listeners()
        .load_balancer_arn(&st.lb)
        .send()
        .await
        .unwrap();
    let a = &d.listeners()[0].default_actions()[0];
    assert_eq!(
        a.target_group_arn(),
        None,
        "multi-group forwards have no top-level ARN"
    );
    let w: Vec<_> = a
        .forward_config()
        .unwrap()
        .target_groups()
        .iter()
        .map(|t| {
            (
                t.target_group_arn().unwrap().to_owned(),
                t.weight().unwrap(),
            )
        })
        .collect();
    assert_eq!(w, [(st.tg_a.clone(), 90), (st.tg_b.clone(), 10)]);
    let r = c.describe_rules().listener_arn(&l).send().await.unwrap();
    assert_eq!(r.rules().len(), 1);
    assert_eq!(r.rules()[0].priority(), Some("default"));
    assert_eq!(r.rules()[0].is_default(), Some(true));
    assert_eq!(
        r.rules()[0].actions()[0]
            .forward_config()
            .unwrap()
            .target_groups()[1]
            .weight(),
        Some(10)
    );

    // Errors, none of which changes the listener.
    let e = c
        .modify_listener()
        .listener_arn(&l)
        .default_actions(weighted(&[(&st.tg_a, 1000)]))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    assert!(
        e.meta()
            .message()
            .unwrap()
            .contains("less than or equal to 999"),
        "{e:?}"
    );
    let both = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(&st.tg_a)
        .forward_config(
            ForwardActionConfig::builder()
                .target_groups(
                    TargetGroupTuple::builder()
                        .target_group_arn(&st.tg_b)
                        .build(),
                )
                .build(),
        )
        .build();
    let e = c
        .modify_listener()
        .listener_arn(&l)
        .default_actions(both)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let e = c
        .modify_listener()
        .listener_arn(&l)
        .default_actions(forward(&st.tg_a.replace("tg-a", "tg-q")))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_not_found_exception());
    let d = c
        .describe_listeners()
        .listener_arns(&l)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.listeners()[0].default_actions()[0]
            .forward_config()
            .unwrap()
            .target_groups()
            .len(),
        2
    );

    let e = c
        .create_listener()
        .load_balancer_arn(&st.lb)
        .port(80)
        .default_actions(forward(&st.tg_b))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_listener_exception(), "{e:?}");
    let e = c
        .describe_listeners()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let e = c
        .describe_listeners()
        .listener_arns(format!("{l}0"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_listener_not_found_exception());
    let e = c
        .delete_target_group()
        .target_group_arn(&st.tg_b)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_in_use_exception(), "{e:?}");

    // A second load balancer cannot forward to a group the first one uses.
    let lb2 = c
        .create_load_balancer()
        .name("other")
        .subnets("a")
        .subnets("b")
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    let e = c
        .create_listener()
        .load_balancer_arn(&lb2)
        .port(80)
        .default_actions(forward(&st.tg_a))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_association_limit_exception(), "{e:?}");

    // A test listener with a fixed response, then deleted: the group it used is free again.
    let fixed = Action::builder()
        .r#type(ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            FixedResponseActionConfig::builder()
                .status_code("503")
                .content_type("text/plain")
                .message_body("not yet")
                .build(),
        )
        .build();
    let test = listener(&s, &st.lb, 8080, fixed).await;
    let d = c
        .describe_listeners()
        .listener_arns(&test)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.listeners()[0].default_actions()[0]
            .fixed_response_config()
            .unwrap()
            .status_code(),
        Some("503")
    );
    c.delete_listener().listener_arn(&l).send().await.unwrap();
    let tg = c
        .describe_target_groups()
        .target_group_arns(&st.tg_a)
        .send()
        .await
        .unwrap();
    assert!(tg.target_groups()[0].load_balancer_arns().is_empty());
    c.delete_target_group()
        .target_group_arn(&st.tg_b)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn rules_priorities_and_the_default_rule() {
    let s = server().await;
    let c = s.elbv2();
    let st = stack(&s).await;
    let l = listener(&s, &st.lb, 80, forward(&st.tg_a)).await;
    let cond = |p: &str| {
        RuleCondition::builder()
            .field("path-pattern")
            .values(p)
            .build()
    };
    let r10 = c
        .create_rule()
        .listener_arn(&l)
        .priority(10)
        .conditions(cond("/api/*"))
        .actions(forward(&st.tg_b))
        .send()
        .await
        .unwrap()
        .rules()[0]
        .rule_arn()
        .unwrap()
        .to_owned();
    let r5 = c
        .create_rule()
        .listener_arn(&l)
        .priority(5)
        .conditions(cond("/admin/*"))
        .actions(forward(&st.tg_b))
        .send()
        .await
        .unwrap()
        .rules()[0]
        .rule_arn()
        .unwrap()
        .to_owned();
    let e = c
        .create_rule()
        .listener_arn(&l)
        .priority(5)
        .conditions(cond("/x"))
        .actions(forward(&st.tg_b))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_priority_in_use_exception(), "{e:?}");
    let e = c
        .create_rule()
        .listener_arn(&l)
        .priority(50001)
        .conditions(cond("/x"))
        .actions(forward(&st.tg_b))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationError"));
    let rules = c.describe_rules().listener_arn(&l).send().await.unwrap();
    let prios: Vec<_> = rules
        .rules()
        .iter()
        .map(|r| r.priority().unwrap().to_owned())
        .collect();
    assert_eq!(prios, ["5", "10", "default"]);
    let c0 = &rules.rules()[0].conditions()[0];
    assert_eq!(c0.path_pattern_config().unwrap().values(), ["/admin/*"]);

    // Swap priorities in one call.
    let out = c
        .set_rule_priorities()
        .rule_priorities(
            RulePriorityPair::builder()
                .rule_arn(&r10)
                .priority(5)
                .build(),
        )
        .rule_priorities(
            RulePriorityPair::builder()
                .rule_arn(&r5)
                .priority(10)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.rules().len(), 2);
    let rules = c.describe_rules().listener_arn(&l).send().await.unwrap();
    assert_eq!(rules.rules()[0].rule_arn(), Some(r10.as_str()));

    let default = rules.rules()[2].rule_arn().unwrap().to_owned();
    let e = c
        .delete_rule()
        .rule_arn(&default)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_operation_not_permitted_exception());
    let e = c
        .set_rule_priorities()
        .rule_priorities(
            RulePriorityPair::builder()
                .rule_arn(&default)
                .priority(1)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_operation_not_permitted_exception());
    // The default rule's actions are the listener's default actions.
    c.modify_rule()
        .rule_arn(&default)
        .actions(weighted(&[(&st.tg_a, 50), (&st.tg_b, 50)]))
        .send()
        .await
        .unwrap();
    let d = c
        .describe_listeners()
        .listener_arns(&l)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.listeners()[0].default_actions()[0]
            .forward_config()
            .unwrap()
            .target_groups()
            .len(),
        2
    );
    let m = c
        .modify_rule()
        .rule_arn(&r5)
        .conditions(cond("/v2/*"))
        .send()
        .await
        .unwrap();
    assert_eq!(m.rules()[0].conditions()[0].values(), ["/v2/*"]);
    c.delete_rule().rule_arn(&r5).send().await.unwrap();
    let e = c
        .describe_rules()
        .rule_arns(&r5)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_rule_not_found_exception());
    // Paging over the rules.
    let p = c
        .describe_rules()
        .listener_arn(&l)
        .page_size(1)
        .send()
        .await
        .unwrap();
    assert_eq!(p.rules().len(), 1);
    let p2 = c
        .describe_rules()
        .listener_arn(&l)
        .page_size(1)
        .marker(p.next_marker().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(p2.rules()[0].priority(), Some("default"));
    assert!(p2.next_marker().is_none());
}

#[tokio::test]
async fn tags_and_load_balancer_attributes() {
    let s = server().await;
    let c = s.elbv2();
    let st = stack(&s).await;
    let l = listener(&s, &st.lb, 80, forward(&st.tg_a)).await;
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    c.add_tags()
        .resource_arns(&st.lb)
        .resource_arns(&st.tg_a)
        .resource_arns(&l)
        .tags(tag("env", "test"))
        .tags(tag("team", "blue"))
        .send()
        .await
        .unwrap();
    c.add_tags()
        .resource_arns(&st.tg_a)
        .tags(tag("env", "prod"))
        .send()
        .await
        .unwrap();
    c.remove_tags()
        .resource_arns(&st.lb)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let d = c
        .describe_tags()
        .resource_arns(&st.lb)
        .resource_arns(&st.tg_a)
        .resource_arns(&l)
        .send()
        .await
        .unwrap();
    let kv = |i: usize| {
        d.tag_descriptions()[i]
            .tags()
            .iter()
            .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kv(0), [("env".to_owned(), "test".to_owned())]);
    assert_eq!(
        kv(1),
        [
            ("env".to_owned(), "prod".to_owned()),
            ("team".to_owned(), "blue".to_owned())
        ]
    );
    assert_eq!(kv(2).len(), 2);
    let e = c
        .add_tags()
        .resource_arns(&st.lb)
        .tags(tag("a", "1"))
        .tags(tag("a", "2"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_tag_keys_exception());
    let e = c
        .describe_tags()
        .resource_arns(st.tg_a.replace("tg-a", "nope"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_group_not_found_exception());
    let mut too_many = c.add_tags().resource_arns(&st.tg_b);
    for i in 0..51 {
        too_many = too_many.tags(tag(&format!("k{i}"), "v"));
    }
    let e = too_many.send().await.unwrap_err().into_service_error();
    assert!(e.is_too_many_tags_exception());

    let a = c
        .describe_load_balancer_attributes()
        .load_balancer_arn(&st.lb)
        .send()
        .await
        .unwrap();
    assert!(a
        .attributes()
        .iter()
        .any(|x| x.key() == Some("idle_timeout.timeout_seconds") && x.value() == Some("60")));
    c.modify_load_balancer_attributes()
        .load_balancer_arn(&st.lb)
        .attributes(
            elb::types::LoadBalancerAttribute::builder()
                .key("deletion_protection.enabled")
                .value("true")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let e = c
        .delete_load_balancer()
        .load_balancer_arn(&st.lb)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_operation_not_permitted_exception());
    c.modify_load_balancer_attributes()
        .load_balancer_arn(&st.lb)
        .attributes(
            elb::types::LoadBalancerAttribute::builder()
                .key("deletion_protection.enabled")
                .value("false")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Deleting the load balancer deletes its listeners; its groups survive, unused.
    c.delete_load_balancer()
        .load_balancer_arn(&st.lb)
        .send()
        .await
        .unwrap();
    assert!(c
        .describe_listeners()
        .listener_arns(&l)
        .send()
        .await
        .unwrap_err()
        .into_service_error()
        .is_listener_not_found_exception());
    let tg = c
        .describe_target_groups()
        .target_group_arns(&st.tg_a)
        .send()
        .await
        .unwrap();
    assert!(tg.target_groups()[0].load_balancer_arns().is_empty());
}
