//! Sends a fixed sequence of calls with the AWS SDK for Rust to `$CAPTURE_URL`, so that
//! `scripts/capture-fixtures.py` can record what this SDK puts on the wire (fixtures/wire/rust-sdk).
//! Errors are expected for some calls and ignored.

use aws_credential_types::Credentials;

macro_rules! client {
    ($krate:ident, $url:expr) => {
        $krate::Client::from_conf(
            $krate::Config::builder()
                .behavior_version($krate::config::BehaviorVersion::latest())
                .region($krate::config::Region::new("us-east-1"))
                .endpoint_url($url)
                .credentials_provider(Credentials::new(
                    "AKIDEXAMPLE",
                    "secret",
                    None,
                    None,
                    "capture",
                ))
                .http_client(aws_smithy_http_client::Builder::new().build_http())
                .build(),
        )
    };
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("CAPTURE_URL").expect("CAPTURE_URL");
    let ecs = client!(aws_sdk_ecs, &url);
    let cd = client!(aws_sdk_codedeploy, &url);
    let elb = client!(aws_sdk_elasticloadbalancingv2, &url);
    let _ = ecs.list_clusters().send().await;
    let _ = ecs.create_cluster().cluster_name("sdk").send().await;
    let _ = ecs.list_clusters().max_results(5).send().await;
    let _ = ecs
        .describe_clusters()
        .clusters("sdk")
        .clusters("ghost")
        .send()
        .await;
    let _ = ecs.delete_cluster().cluster("ghost").send().await;
    let _ = cd.list_applications().send().await;
    let _ = cd.get_application().application_name("ghost").send().await;
    let _ = elb.describe_load_balancers().send().await;
    let _ = elb
        .describe_load_balancers()
        .names("a")
        .names("b")
        .page_size(10)
        .send()
        .await;
}
