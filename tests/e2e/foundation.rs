//! Issue 2: the stack end to end through the AWS SDK for Rust — empty reads in their exact
//! shapes, typed errors, request ids, partitions, pagination, the manual clock.

use aws_sdk_ecs::operation::RequestId;
use reqwest::Method;
use serde_json::json;

use crate::support::{server, Who};

#[tokio::test]
async fn empty_reads_through_the_sdk() {
    let s = server().await;
    let out = s.ecs().list_clusters().send().await.expect("ListClusters");
    assert!(out.cluster_arns().is_empty());
    assert!(out.next_token().is_none());
    let rid = out.request_id().expect("request id");
    assert_eq!(rid.len(), 36, "{rid}");

    let out = s
        .codedeploy()
        .list_applications()
        .send()
        .await
        .expect("ListApplications");
    assert!(out.applications().is_empty());
    assert!(out.next_token().is_none());

    let out = s
        .elbv2()
        .describe_load_balancers()
        .send()
        .await
        .expect("DescribeLoadBalancers");
    assert!(out.load_balancers().is_empty());
    assert!(out.next_marker().is_none());
    assert_eq!(out.request_id().map(str::len), Some(36));
}

#[tokio::test]
async fn typed_errors_reach_the_sdk() {
    let s = server().await;
    let e = s
        .ecs()
        .delete_cluster()
        .cluster("nope")
        .send()
        .await
        .unwrap_err();
    let e = e.into_service_error();
    assert!(e.is_cluster_not_found_exception(), "{e:?}");
    assert_eq!(e.meta().message(), Some("Cluster not found."));

    let e = s
        .codedeploy()
        .get_application()
        .application_name("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_application_does_not_exist_exception(), "{e:?}");

    let e = s
        .elbv2()
        .describe_load_balancers()
        .names("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_load_balancer_not_found_exception(), "{e:?}");
    assert_eq!(e.meta().code(), Some("LoadBalancerNotFound"));
}

#[tokio::test]
async fn clusters_and_applications_round_trip() {
    let s = server().await;
    let c = s
        .ecs()
        .create_cluster()
        .cluster_name("web")
        .send()
        .await
        .unwrap();
    let c = c.cluster().unwrap();
    assert_eq!(
        c.cluster_arn(),
        Some("arn:aws:ecs:us-east-1:123456789012:cluster/web")
    );
    assert_eq!(c.status(), Some("ACTIVE"));
    let d = s
        .ecs()
        .describe_clusters()
        .clusters("web")
        .clusters("ghost")
        .send()
        .await
        .unwrap();
    assert_eq!(d.clusters().len(), 1);
    assert_eq!(d.failures()[0].reason(), Some("MISSING"));
    assert_eq!(
        d.failures()[0].arn(),
        Some("arn:aws:ecs:us-east-1:123456789012:cluster/ghost")
    );
    let del = s
        .ecs()
        .delete_cluster()
        .cluster("arn:aws:ecs:us-east-1:123456789012:cluster/web")
        .send()
        .await
        .unwrap();
    assert_eq!(del.cluster().unwrap().status(), Some("INACTIVE"));
    assert!(s
        .ecs()
        .list_clusters()
        .send()
        .await
        .unwrap()
        .cluster_arns()
        .is_empty());

    s.codedeploy()
        .create_application()
        .application_name("app")
        .compute_platform(aws_sdk_codedeploy::types::ComputePlatform::Ecs)
        .send()
        .await
        .unwrap();
    let e = s
        .codedeploy()
        .create_application()
        .application_name("app")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_application_already_exists_exception(), "{e:?}");
    let a = s
        .codedeploy()
        .get_application()
        .application_name("app")
        .send()
        .await
        .unwrap();
    let a = a.application().unwrap();
    assert_eq!(
        a.compute_platform(),
        Some(&aws_sdk_codedeploy::types::ComputePlatform::Ecs)
    );
    assert_eq!(
        a.create_time().unwrap().secs() as f64,
        s.now().await.floor()
    );
}

#[tokio::test]
async fn state_is_partitioned_by_account_and_region() {
    let s = server().await;
    let a = Who::account("111111111111", "us-east-1");
    s.ecs_as(&a)
        .create_cluster()
        .cluster_name("mine")
        .send()
        .await
        .unwrap();
    let arns = s
        .ecs_as(&a)
        .list_clusters()
        .send()
        .await
        .unwrap()
        .cluster_arns()
        .to_vec();
    assert_eq!(arns, ["arn:aws:ecs:us-east-1:111111111111:cluster/mine"]);
    for other in [
        Who::account("111111111111", "eu-west-1"),
        Who::account("222222222222", "us-east-1"),
        Who::default(),
    ] {
        let out = s.ecs_as(&other).list_clusters().send().await.unwrap();
        assert!(
            out.cluster_arns().is_empty(),
            "{} {} sees {:?}",
            other.access_key,
            other.region,
            out.cluster_arns()
        );
        let d = s
            .ecs_as(&other)
            .describe_clusters()
            .clusters("mine")
            .send()
            .await
            .unwrap();
        assert!(d.clusters().is_empty());
    }
    // An ARN of another partition names nothing here.
    let e = s
        .ecs()
        .delete_cluster()
        .cluster("arn:aws:ecs:us-east-1:111111111111:cluster/mine")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_cluster_not_found_exception());
    // The region of the credential scope shapes the ARNs.
    let eu = Who::account("111111111111", "eu-west-1");
    let c = s
        .ecs_as(&eu)
        .create_cluster()
        .cluster_name("mine")
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.cluster().unwrap().cluster_arn(),
        Some("arn:aws:ecs:eu-west-1:111111111111:cluster/mine")
    );
}

#[tokio::test]
async fn paginators_walk_every_page_and_stop() {
    let s = server().await;
    for i in 0..25 {
        s.ecs()
            .create_cluster()
            .cluster_name(format!("c{i:02}"))
            .send()
            .await
            .unwrap();
    }
    let pages: Vec<_> = s
        .ecs()
        .list_clusters()
        .max_results(10)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 3);
    let arns: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().cluster_arns().to_vec())
        .collect();
    assert_eq!(arns.len(), 25);
    assert!(arns[0].ends_with("/c00") && arns[24].ends_with("/c24"));
    let e = s
        .ecs()
        .list_clusters()
        .max_results(101)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");
    let e = s
        .ecs()
        .list_clusters()
        .next_token("!!not-a-token!!")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_parameter_exception(), "{e:?}");

    for i in 0..7 {
        s.elbv2()
            .create_load_balancer()
            .name(format!("lb{i}"))
            .subnets("subnet-a")
            .subnets("subnet-b")
            .send()
            .await
            .unwrap();
    }
    let mut names = Vec::new();
    let mut pages = s
        .elbv2()
        .describe_load_balancers()
        .page_size(3)
        .into_paginator()
        .send();
    let mut n = 0;
    while let Some(p) = pages.next().await {
        n += 1;
        names.extend(
            p.unwrap()
                .load_balancers()
                .iter()
                .map(|l| l.load_balancer_name().unwrap().to_owned()),
        );
    }
    assert_eq!(n, 3);
    assert_eq!(names, ["lb0", "lb1", "lb2", "lb3", "lb4", "lb5", "lb6"]);
}

#[tokio::test]
async fn manual_clock_drives_simulated_time() {
    use aws_sdk_elasticloadbalancingv2::types::LoadBalancerStateEnum as St;
    let s = server().await;
    let t0 = s.now().await;
    let lb = s
        .elbv2()
        .create_load_balancer()
        .name("alb")
        .subnets("subnet-1")
        .subnets("subnet-2")
        .send()
        .await
        .unwrap();
    let lb = &lb.load_balancers()[0];
    assert_eq!(lb.state().unwrap().code(), Some(&St::Provisioning));
    // Timestamps come from the virtual clock, which does not move by itself in manual mode.
    assert_eq!(
        lb.created_time().unwrap().to_millis().unwrap() as f64 / 1000.0,
        t0
    );
    let arn = lb.load_balancer_arn().unwrap().to_owned();
    let state = |s: &crate::support::TestServer| {
        let c = s.elbv2();
        let arn = arn.clone();
        async move {
            c.describe_load_balancers()
                .load_balancer_arns(arn)
                .send()
                .await
                .unwrap()
                .load_balancers()[0]
                .state()
                .unwrap()
                .code()
                .cloned()
                .unwrap()
        }
    };
    let v = s.advance(29.999).await;
    assert_eq!(v["fired"], 0);
    assert_eq!(state(&s).await, St::Provisioning);
    let v = s.advance(0.001).await;
    assert_eq!(v["fired"], 1, "{v}");
    assert_eq!(v["now"].as_f64().unwrap(), t0 + 30.0);
    assert_eq!(state(&s).await, St::Active);
}

#[tokio::test]
async fn control_api() {
    let s = server().await;
    let (st, v) = s.control(Method::GET, "/_cutover/health", None).await;
    assert_eq!(st, 200);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["services"], json!(["ecs", "elbv2", "codedeploy"]));
    assert!(v["version"].is_string());

    let (_, c) = s.control(Method::GET, "/_cutover/clock", None).await;
    assert_eq!(
        (c["mode"].as_str(), c["scale"].as_f64()),
        (Some("manual"), Some(1.0))
    );
    assert!(c["now"].as_f64().unwrap() > 1.7e9);

    for bad in [
        json!({"seconds": -1}),
        json!({"seconds": "ten"}),
        json!({}),
        json!({"seconds": null}),
    ] {
        let (st, v) = s
            .control(Method::POST, "/_cutover/clock/advance", Some(bad.clone()))
            .await;
        assert_eq!(st, 400, "{bad} -> {v}");
        assert!(v["message"].is_string());
    }
    let (st, _) = s
        .control(
            Method::PUT,
            "/_cutover/clock",
            Some(json!({"mode": "sideways"})),
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = s
        .control(Method::PUT, "/_cutover/clock", Some(json!({"scale": 0})))
        .await;
    assert_eq!(st, 400);
    let (st, v) = s.control(Method::GET, "/_cutover/nothing-here", None).await;
    assert_eq!((st, v["error"].as_str()), (404, Some("NotFound")));
    let (st, _) = s.control(Method::DELETE, "/_cutover/clock", None).await;
    assert_eq!(st, 405);

    // Real mode, scaled: 1000 virtual seconds per real second.
    let (st, v) = s
        .control(
            Method::PUT,
            "/_cutover/clock",
            Some(json!({"mode": "real", "scale": 1000})),
        )
        .await;
    assert_eq!(
        (st, v["mode"].as_str(), v["scale"].as_f64()),
        (200, Some("real"), Some(1000.0))
    );
    let before = s.now().await;
    let lb = s
        .elbv2()
        .create_load_balancer()
        .name("fast")
        .subnets("a")
        .subnets("b")
        .send()
        .await
        .unwrap();
    let arn = lb.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    // 30 virtual seconds of provisioning = 30 ms of real time at this scale; poll (bounded).
    let mut active = false;
    for _ in 0..200 {
        let d = s
            .elbv2()
            .describe_load_balancers()
            .load_balancer_arns(&arn)
            .send()
            .await
            .unwrap();
        if d.load_balancers()[0]
            .state()
            .unwrap()
            .code()
            .unwrap()
            .as_str()
            == "active"
        {
            active = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(
        active,
        "the driver activated the load balancer in scaled real time"
    );
    assert!(s.now().await - before >= 30.0);
    // Advance is allowed in real mode too.
    let t = s.now().await;
    let v = s.advance(3600.0).await;
    assert!(v["now"].as_f64().unwrap() >= t + 3600.0);

    // Reset drops all state and keeps the mode.
    s.ecs()
        .create_cluster()
        .cluster_name("x")
        .send()
        .await
        .unwrap();
    let (st, _) = s.control(Method::POST, "/_cutover/reset", None).await;
    assert_eq!(st, 200);
    assert!(s
        .ecs()
        .list_clusters()
        .send()
        .await
        .unwrap()
        .cluster_arns()
        .is_empty());
    assert!(s
        .elbv2()
        .describe_load_balancers()
        .send()
        .await
        .unwrap()
        .load_balancers()
        .is_empty());
    let (_, c) = s.control(Method::GET, "/_cutover/clock", None).await;
    assert_eq!(c["mode"], "real");
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let mut cfg = cutover::Config::for_tests();
    cfg.panic_on_operation = Some("ListClusters".into());
    let s = crate::support::server_with(cfg).await;
    s.ecs()
        .create_cluster()
        .cluster_name("before")
        .send()
        .await
        .unwrap();
    let e = s.ecs().list_clusters().send().await.unwrap_err();
    let raw = e.raw_response().expect("a response came back");
    assert_eq!(raw.status().as_u16(), 500);
    let e = e.into_service_error();
    assert!(e.is_server_exception(), "{e:?}");
    // Still serving, with its state intact.
    let d = s
        .ecs()
        .describe_clusters()
        .clusters("before")
        .send()
        .await
        .unwrap();
    assert_eq!(d.clusters().len(), 1);
    assert!(s.codedeploy().list_applications().send().await.is_ok());
}
