//! An ECS client that can read moto's task descriptions.
//!
//! moto 5.2 writes a task's `containers[].cpu` and `containers[].memory` as JSON numbers
//! (copied from the task definition, where they are integers), while the ECS API declares
//! them strings. boto3 does not mind; the Rust SDK rejects the whole RunTask, DescribeTasks or
//! StopTask response with "type mismatch: expected string". Real ECS sends strings, so the
//! launcher is left alone and only the tests' HTTP client turns those numbers into strings.

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::{
    http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
        SharedHttpConnector,
    },
    orchestrator::HttpRequest,
    result::ConnectorError,
    runtime_components::RuntimeComponents,
};
use aws_smithy_types::{body::SdkBody, byte_stream::ByteStream};
use serde_json::Value;
use sluice_cloud::sdk::{aws_config::SdkConfig, ecs};

pub fn ecs_client(config: &SdkConfig) -> ecs::Client {
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_https();
    let conf = ecs::config::Builder::from(config).http_client(StringifyContainerNumbers { inner }).build();
    ecs::Client::from_conf(conf)
}

#[derive(Debug)]
struct StringifyContainerNumbers {
    inner: SharedHttpClient,
}

impl HttpClient for StringifyContainerNumbers {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(Connector { inner: self.inner.http_connector(settings, components) })
    }
}

#[derive(Debug)]
struct Connector {
    inner: SharedHttpConnector,
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await?;
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let bytes =
                ByteStream::new(body).collect().await.map_err(|e| ConnectorError::io(e.into()))?.into_bytes();
            let fixed = match serde_json::from_slice::<Value>(&bytes) {
                Ok(mut json) => {
                    stringify(&mut json);
                    serde_json::to_vec(&json).map_err(|e| ConnectorError::other(e.into(), None))?
                }
                Err(_) => bytes.to_vec(),
            };
            response.headers_mut().insert("content-length", fixed.len().to_string());
            *response.body_mut() = SdkBody::from(fixed);
            Ok(response)
        })
    }
}

fn stringify(json: &mut Value) {
    let Some(object) = json.as_object_mut() else { return };
    for (key, value) in object.iter_mut() {
        let tasks: Vec<&mut Value> = match (key.as_str(), value) {
            ("tasks", Value::Array(tasks)) => tasks.iter_mut().collect(),
            ("task", task) => vec![task],
            _ => continue,
        };
        stringify_tasks(tasks);
    }
}

fn stringify_tasks(tasks: Vec<&mut Value>) {
    for task in tasks {
        let containers = task.get_mut("containers").and_then(Value::as_array_mut).into_iter().flatten();
        for container in containers {
            for field in ["cpu", "memory", "memoryReservation"] {
                if let Some(n @ Value::Number(_)) = container.get_mut(field) {
                    *n = Value::String(n.to_string());
                }
            }
        }
    }
}
