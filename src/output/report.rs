//! `report.html`: one self-contained file that opens offline: the week summary, the SVG maps
//! (pick a day and a truck), each truck's stop list, unserved parks with reasons, warnings.
//! No external script, style or font; the few lines of script only switch maps.

use std::fmt::Write;

use crate::plan::WeekPlan;

use super::map::{MapJob, MapKind};
use super::palette::TruckColours;
use super::{html_escape as esc, stoplist};

/// The report, with the maps' SVG text (`(job, svg)` in [`super::map::jobs`] order).
pub fn report_html(plan: &WeekPlan, maps: &[(MapJob, String)], colours: &TruckColours) -> String {
    let mut s = String::new();
    let k = plan.kpi();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} — weekly collection plan</title><style>{}{}</style></head><body>\n",
        esc(&plan.scenario),
        CSS,
        stoplist::PRINT_CSS
    );
    let _ = writeln!(
        s,
        "<header><h1>{}</h1><p>Weekly collection plan · {} · seed {} · scenario file {}</p>",
        esc(&plan.scenario),
        esc(&plan.generated_by),
        plan.seed,
        esc(&plan.scenario_file)
    );
    if plan.stopped_early {
        s.push_str(
            "<p class=\"warn\">The search was stopped early (Ctrl-C): this is the best plan \
             found until then.</p>",
        );
    }
    s.push_str("</header>\n");

    // Week summary.
    s.push_str(
        "<section><h2>Week summary</h2><table class=\"summary\"><thead><tr><th>day</th>\
         <th>trucks</th><th>trips</th><th>stops</th><th>distance (km)</th><th>duration (h)</th>\
         <th>collected (t)</th><th>utilisation (%)</th><th>cost</th><th>unserved</th></tr></thead><tbody>\n",
    );
    let row = |s: &mut String, label: &str, k: &crate::plan::Kpi, class: &str| {
        let _ = writeln!(
            s,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td>\
             <td>{:.1}</td><td>{:.2}</td><td>{:.0}</td><td>{:.0} {}</td><td>{}</td></tr>",
            esc(label),
            k.trucks,
            k.trips,
            k.stops,
            k.distance_km,
            k.duration_h,
            k.collected_t,
            k.utilisation * 100.0,
            k.cost,
            esc(&plan.currency),
            k.unserved
        );
    };
    for d in &plan.days {
        row(&mut s, d.day.name(), &d.kpi(), "");
    }
    row(&mut s, "week", &k, "total");
    s.push_str(
        "</tbody></table><p class=\"note\">Week trucks: the most used on any day.</p></section>\n",
    );

    // Maps.
    s.push_str("<section id=\"maps\"><h2>Maps</h2><nav id=\"days\">");
    s.push_str("<button data-day=\"week\">Week</button>");
    for d in &plan.days {
        let _ = write!(
            s,
            "<button data-day=\"{0}\">{0}</button>",
            esc(d.day.name())
        );
    }
    s.push_str("</nav><nav id=\"trucks\"></nav>\n<p id=\"status\"></p>\n");
    for (job, svg) in maps {
        let (day, truck, colour) = match job.kind {
            MapKind::Week => ("week".to_string(), String::new(), String::new()),
            MapKind::Day(d) => (
                plan.days[d].day.name().to_string(),
                String::new(),
                String::new(),
            ),
            MapKind::Truck(d, r) => {
                let t = &plan.days[d].routes[r].truck;
                (
                    plan.days[d].day.name().to_string(),
                    t.clone(),
                    colours.hex(t),
                )
            }
        };
        let route_attr = if truck.is_empty() { "" } else { " data-route" };
        let _ = writeln!(
            s,
            "<figure class=\"map\" data-day=\"{}\" data-truck=\"{}\" data-colour=\"{}\"{} hidden>{}\
             <figcaption><a href=\"maps/{n}.svg\">maps/{n}.svg</a> · <a href=\"maps/{n}.png\">PNG</a></figcaption></figure>",
            esc(&day),
            esc(&truck),
            esc(&colour),
            route_attr,
            strip_xml_decl(svg),
            n = esc(&job.name)
        );
    }
    s.push_str("</section>\n");

    // Stop lists.
    s.push_str("<section><h2>Stop lists</h2>\n");
    for d in &plan.days {
        for r in &d.routes {
            let _ = writeln!(
                s,
                "<details class=\"route\" data-day=\"{}\" data-truck=\"{}\"><summary><span class=\"sw\" \
                 style=\"background:{}\"></span>{} · {} — {}</summary>{}</details>",
                esc(d.day.name()),
                esc(&r.truck),
                colours.hex(&r.truck),
                esc(d.day.name()),
                esc(&r.truck),
                esc(&stoplist::summary(r)),
                stoplist::table(plan, r)
            );
        }
    }
    s.push_str("</section>\n");

    // Unserved parks and warnings.
    s.push_str("<section><h2>Unserved parks</h2>\n");
    let unserved: Vec<_> = plan
        .days
        .iter()
        .flat_map(|d| d.unserved.iter().map(move |u| (d.day, u)))
        .collect();
    if unserved.is_empty() {
        s.push_str("<p>Every collection due this week is served.</p>\n");
    } else {
        s.push_str(
            "<table class=\"unserved\"><thead><tr><th>day</th><th>park</th><th>name</th>\
             <th>stream</th><th>amount (t)</th><th>reason</th></tr></thead><tbody>\n",
        );
        for (day, u) in unserved {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
                esc(day.name()),
                esc(&u.park_id),
                esc(&u.name),
                esc(&u.stream),
                u.amount_kg / 1000.0,
                esc(&u.reason)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
    if !plan.warnings.is_empty() {
        s.push_str("<section><h2>Warnings</h2><ul>\n");
        for w in &plan.warnings {
            let _ = writeln!(s, "<li>{}</li>", esc(w));
        }
        s.push_str("</ul></section>\n");
    }
    let _ = write!(s, "<script>{JS}</script>\n</body></html>\n");
    s
}

fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

const CSS: &str = "
header p{color:#444;margin:.2em 0}
h2{margin-top:1.4em;border-bottom:1px solid #ccc}
table.summary,table.unserved{border-collapse:collapse}
table.summary td,table.summary th,table.unserved td,table.unserved th{border:1px solid #bbb;padding:.2em .6em;text-align:right}
table.summary td:first-child,table.unserved td{text-align:left}
tr.total td{font-weight:bold;background:#f3f3f3}
.warn{color:#b00;font-weight:bold}
.note{color:#666;font-size:.9em}
nav{margin:.4em 0}
nav button{margin:0 .3em .3em 0;padding:.3em .8em;border:1px solid #888;background:#fff;border-radius:3px;cursor:pointer;font:inherit}
nav button.on{background:#333;color:#fff}
nav button .sw,summary .sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em;border-radius:2px}
figure.map{margin:0}
figure.map svg{width:100%;height:auto;max-width:1400px;border:1px solid #ddd}
details.route{margin:.3em 0}
details.route summary{cursor:pointer;padding:.2em 0}
";

/// Switches the map shown: a day (or the week), then all trucks or one. Writes what it shows
/// into #status and data-* attributes of <body>, which the browser test reads.
const JS: &str = r#"
window.addEventListener('error',function(e){document.body.dataset.errors=(document.body.dataset.errors||'')+e.message+'\n';});
(function(){
  var maps=[].slice.call(document.querySelectorAll('figure.map'));
  var dayNav=document.getElementById('days'), truckNav=document.getElementById('trucks');
  var status=document.getElementById('status');
  var state={day:'week',truck:''};
  function show(){
    var shown=0;
    maps.forEach(function(f){
      var on=f.dataset.day===state.day&&f.dataset.truck===state.truck;
      f.hidden=!on; if(on){shown++;}
    });
    [].forEach.call(dayNav.querySelectorAll('button'),function(b){b.classList.toggle('on',b.dataset.day===state.day);});
    [].forEach.call(truckNav.querySelectorAll('button'),function(b){b.classList.toggle('on',b.dataset.truck===state.truck);});
    var routes=maps.filter(function(f){return (state.day==='week'||f.dataset.day===state.day)&&f.hasAttribute('data-route');}).length;
    status.textContent=(state.day==='week'?'Week':state.day)+': '+routes+' route'+(routes===1?'':'s')+(state.truck?' · truck '+state.truck:'');
    document.body.dataset.shown=String(shown);
  }
  function trucks(){
    truckNav.textContent='';
    if(state.day==='week'){return;}
    var all=document.createElement('button'); all.textContent='All trucks'; all.dataset.truck='';
    truckNav.appendChild(all);
    maps.forEach(function(f){
      if(f.dataset.day!==state.day||!f.hasAttribute('data-route')){return;}
      var b=document.createElement('button'); b.dataset.truck=f.dataset.truck;
      var sw=document.createElement('span'); sw.className='sw'; sw.style.background=f.dataset.colour;
      b.appendChild(sw); b.appendChild(document.createTextNode(f.dataset.truck));
      truckNav.appendChild(b);
    });
  }
  dayNav.addEventListener('click',function(e){var b=e.target.closest('button'); if(!b){return;} state.day=b.dataset.day; state.truck=''; trucks(); show();});
  truckNav.addEventListener('click',function(e){var b=e.target.closest('button'); if(!b){return;} state.truck=b.dataset.truck; show();});
  trucks(); show();
  document.body.dataset.routes=String(maps.filter(function(f){return f.hasAttribute('data-route');}).length);
  document.body.dataset.ready='1';
})();
"#;
