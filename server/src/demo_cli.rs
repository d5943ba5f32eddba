//! `server demo remove`: takes the demo world out of a database, for a real deployment (start
//! with `AQXC_DEMO=false` so that it is not made again on an empty one).

use app::{demo, foundation::db::Pool};

pub async fn remove(pool: &Pool) -> anyhow::Result<()> {
    let removed = demo::remove(pool, app::foundation::clock::now()).await?;
    println!(
        "demo removed: {} draw(s) with their results and log entries, {} contest(s) with their \
         attempts, {} enterprises and {} inspectors of the demo registries",
        removed.draws, removed.contests, removed.enterprises, removed.inspectors
    );
    println!("running instances forget their kept pages within a second or two");
    Ok(())
}
