//! Certificates at scale: a competition's worth of PDFs rendered into one zip, as a batch
//! does it (every core), against a baseline in the same run (the same zip written from one
//! certificate rendered once: what is left is the rendering). Sizes checked against the
//! target of 150 KB each.

use gongjiang_app::certificate_batches::write_zip;
use gongjiang_certificates::{CertificateFields, DEFAULT_TEMPLATE, Fonts, Renderer, sample};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华国庆志强海燕晓东";

fn fields(i: usize) -> CertificateFields {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let name = format!(
        "{}{}{}",
        s[i % s.len()],
        g[i % g.len()],
        g[(i / 7) % g.len()]
    );
    let honours = ["一等奖", "二等奖", "三等奖", "优秀奖"];
    let tracks = [
        "焊工",
        "电工",
        "钳工",
        "数控车工",
        "汽车维修工",
        "育婴员",
        "茶艺师",
    ];
    CertificateFields {
        kind: "prize".into(),
        serial: format!("GJ2026-{i:06}-BENCH0"),
        holder: name,
        unit: format!("华江市第{}机械厂", i % 97 + 1),
        title: "华江市第三届职工职业技能大赛".into(),
        subtitle: tracks[i % tracks.len()].into(),
        honour: honours[i % honours.len()].into(),
        issued_on: "2026年12月3日".into(),
        issuer: "华江市总工会".into(),
        verify_url: format!("https://gongjiang.example.org/verify/GJ2026-{i:06}-BENCH0"),
    }
}

pub fn run(count: usize, font_dirs: &[PathBuf]) -> anyhow::Result<()> {
    let fonts = Fonts::search(font_dirs)?;
    let renderer = Renderer::new(Arc::new(fonts));
    let dir = std::env::temp_dir().join(format!(
        "gongjiang-bench-certificates-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let jobs: Vec<(String, CertificateFields)> = (0..count)
        .map(|i| (format!("bench/{i:06}.pdf"), fields(i)))
        .collect();

    // Warm-up: the first certificate loads the fonts.
    let started = Instant::now();
    let one = renderer.render(DEFAULT_TEMPLATE, &sample())?;
    println!(
        "first certificate (fonts loaded): {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    // Baseline: the same zip, every entry the one PDF rendered once.
    let started = Instant::now();
    {
        use std::io::Write;
        let file = std::fs::File::create(dir.join("baseline.zip"))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, _) in &jobs {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(&one)?;
        }
        zip.finish()?;
    }
    let baseline = started.elapsed().as_secs_f64();

    let path = dir.join("certificates.zip");
    let started = Instant::now();
    write_zip(&renderer, DEFAULT_TEMPLATE, &jobs, &path, |_| {}).map_err(anyhow::Error::msg)?;
    let batch = started.elapsed().as_secs_f64();

    // Sizes: every PDF of the zip.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path)?)?;
    let (mut largest, mut total) = (0u64, 0u64);
    for i in 0..archive.len() {
        let size = archive.by_index(i)?.size();
        largest = largest.max(size);
        total += size;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("certificates: {count}, threads: {threads}");
    println!(
        "batch: {batch:.1} s ({:.2} ms a certificate, {:.0} a second); target under 60 s for 10,000",
        batch * 1e3 / count as f64,
        count as f64 / batch
    );
    println!(
        "baseline (zip of one PDF, no rendering): {baseline:.2} s; batch / baseline = {:.0}",
        batch / baseline.max(1e-9)
    );
    println!(
        "size: mean {:.1} KB, largest {:.1} KB (target under 150 KB); zip {:.1} MB",
        total as f64 / count as f64 / 1024.0,
        largest as f64 / 1024.0,
        std::fs::metadata(&path)?.len() as f64 / 1_048_576.0
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
