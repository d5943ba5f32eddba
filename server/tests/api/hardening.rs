//! The edges of trust: what a visitor controls (a redirect target, the `Host` header, how slowly
//! a connection talks) never takes the portal somewhere it did not mean to go.

use app::staff::Role;

use crate::helpers::{STAFF_PASSWORD, location, spawn_app};

#[tokio::test]
async fn after_sign_in_a_next_target_that_a_browser_would_read_as_another_site_leads_to_the_staff_area()
 {
    let app = spawn_app().await;
    app.create_staff("chief", STAFF_PASSWORD, &[Role::Admin])
        .await;
    for attack in [
        // What `next=/%09/evil.example` becomes once the form is decoded.
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/.//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
    ] {
        let browser = app.another_browser();
        let to = browser
            .post_form(
                "/api/sign_in",
                &[
                    ("username", "chief"),
                    ("password", STAFF_PASSWORD),
                    ("next", attack),
                ],
            )
            .await;
        assert_eq!(location(&to), "/admin", "next={attack:?}");
    }
    let browser = app.another_browser();
    let to = browser
        .post_form(
            "/api/sign_in",
            &[
                ("username", "chief"),
                ("password", STAFF_PASSWORD),
                ("next", "/admin/audit?page=2"),
            ],
        )
        .await;
    assert_eq!(location(&to), "/admin/audit?page=2");
}
