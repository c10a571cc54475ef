/** The report's only stylesheet, inlined: system fonts, nothing fetched. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #d8dee4; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 14px; margin: 20px 0 6px; }
h2 a, h3 a, h4 a { color: inherit; text-decoration: none; }
.verdict { font-size: 13px; font-weight: 600; padding: 2px 8px; border-radius: 10px; vertical-align: middle; }
.verdict.pass { background: #dafbe1; color: #116329; }
.verdict.fail { background: #ffebe9; color: #a40e26; }
.verdict.none { background: #eaeef2; color: #424a53; }
.description { white-space: pre-line; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
dl.facts dt { color: #59636e; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d8dee4; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.method, figcaption { color: #59636e; font-size: 13px; }
figure.chart { margin: 16px 0 28px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption strong { color: #1f2328; }
footer { margin-top: 40px; color: #59636e; font-size: 12px; }
`;
