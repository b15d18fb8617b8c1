/** The demo dashboard's page: static HTML and CSS; the script is `/dashboard.js` (see handler.ts). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>realtime-contract — live dashboard</title>
<style>
  :root { color-scheme: dark; --bg: #0f1419; --panel: #1a2129; --text: #d6dde4; --dim: #7d8a96; --ws: #2fbf71; --polling: #e5a50a; --offline: #e0475b; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  /* Wrapped (a long state, a narrow screen), its lines stay close: the panels are what matters. */
  header { display: flex; flex-wrap: wrap; gap: .25rem .8rem; align-items: center; padding: .6rem 1.2rem; border-bottom: 1px solid #27313b; background: var(--bg); }
  /* Kept in view only where the window is tall enough: at 400 % zoom (320×256) the header, three lines and more, took two thirds of it, and stayed (tBE). */
  @media (min-height: 500px) { header { position: sticky; top: 0; } }
  h1 { font-size: 1.1rem; margin: 0; }
  .badge { padding: .2rem .7rem; border-radius: 1rem; font-weight: 600; color: #0f1419; background: var(--offline); }
  .badge[data-mode="ws"] { background: var(--ws); }
  .badge[data-mode="polling"] { background: var(--polling); }
  .stat { color: var(--dim); } .stat b { color: var(--text); font-weight: 600; }
  .stat.gap b { color: var(--polling); }
  button { background: var(--panel); color: var(--text); border: 1px solid #333; border-radius: .3rem; padding: .25rem .6rem; font: inherit; cursor: pointer; }
  header button { margin-left: auto; }
  /* Out of the header, which has no room for it at 1280 px: at the panels' top right. */
  .tools { display: flex; justify-content: flex-end; margin: 0; padding: .6rem 1.2rem 0; }
  .tools + main { padding-top: .6rem; }
  /* Pressed: the rows are held (app.ts). */
  #pause[aria-pressed="true"] { background: var(--polling); color: var(--bg); font-weight: 600; }
  /* The cursor is long and opaque: cut, whole in its title, so that the header stays one line at 1280 px (the button wrapped: a fresh user). */
  #cursor { display: inline-block; max-width: 5em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
  /* Cut, it is a stop for Tab and a tap (app.ts), and shown whole when focused, as the state and the user: a reader compares it with the journal or a gap's since, and its title shows to a mouse only (tEW F1). */
  #cursor-stat:focus #cursor { max-width: none; white-space: normal; overflow-wrap: anywhere; }
  /* Offline, the state says the attempt, when the next is due and the HTTP status: its whole width where the header has room (a 21em cap cut the 'HTTP 503' at every width, 1920 px with 786 px of header empty: a fresh tester), cut at its end only where the header is full, whole in its title and, cut, shown whole when focused: by Tab or a tap, where no title shows (app.ts makes it focusable then). The header stays one line (it wrapped on each disconnect, moving every panel: a fresh user). The cursor and the gaps between items gave the room. */
  /* A long subject (an e-mail address) is cut, whole in its title: it took the state's room, and the button off the page at 1280 px (a reviewer). An admin's "(all users)" is beside it, never cut (it read "admin (all user…": a fresh user), and the subject gives it room. */
  /* Its own direction (dir="auto") decides which end is cut: a right-to-left name keeps its start, the … at its left (it showed a Hebrew name's last words: tCE F5). */
  #user { display: inline-block; max-width: 9.5em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
  #user.all { max-width: 5em; }
  /* Cut, it is a stop for Tab and a tap (app.ts), and shown whole when focused, as the state is: its title shows to a mouse only (tBE). */
  #user-stat:focus #user { max-width: none; white-space: normal; overflow-wrap: anywhere; }
  #state { display: inline-block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
  #state-stat:focus #state { white-space: normal; overflow-wrap: anywhere; }
  /* From 1200 px the header is one line whatever it holds (but while a cut user name is focused): the state gives up room, cut at its end (whole in its title and when focused), where an admin's name and the gaps count put the button on a second line offline at 1280 px (a fresh user). */
  @media (min-width: 1200px) {
    header { flex-wrap: nowrap; gap: .25rem .7rem; }
    header > * { flex-shrink: 0; white-space: nowrap; }
    #state-stat { flex-shrink: 1; min-width: 0; display: flex; column-gap: .3em; }
    #state-stat #state { min-width: 0; }
    /* While a cut user name is shown whole (focused), the header wraps: on one line the name took the state's room, its label drawn over "messages", and pushed the button off the window (tBH). */
    header:has(#user-stat:focus, #cursor-stat:focus) { flex-wrap: wrap; }
    header:has(#user-stat:focus) > #user-stat, header:has(#cursor-stat:focus) > #cursor-stat { flex-shrink: 1; min-width: 0; white-space: normal; }
  }
  /* Below 1200 px the header wraps: what changes with the connection and the stream keeps the room of its longest usual text (the badge its longest word, rtt 999 ms, the counts 6 and 3 digits; the state a line of its own at 390 px, cut at its end, whole in its title), so a disconnect or a count moves nothing to another line (at 390 px the header grew and shrank by a line as the connection dropped and came back: a fresh user). */
  @media (max-width: 1199.98px) {
    .badge { text-align: center; }
    #rtt, #received, #duplicates { display: inline-block; vertical-align: bottom; }
    .badge::after, #rtt::after, #received::after, #duplicates::after { display: block; height: 0; overflow: hidden; visibility: hidden; }
    .badge::after { content: "WebSocket"; }
    #rtt::after { content: "999 ms"; }
    #received::after { content: "999999"; }
    #duplicates::after { content: "999"; }
    #cursor { min-width: 5em; }
    #state-stat { flex: 0 0 25em; max-width: 100%; display: flex; column-gap: .3em; }
    #state-stat #state { min-width: 0; }
  }
  /* On a phone the state's line comes right below the badge it details, before the counts (after rtt, it put the counts on two lines of their own). */
  @media (max-width: 600px) { header > h1, header > .badge { order: -2; } #state-stat { order: -1; } }
  form { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; padding: 1rem 1.2rem; }
  input { flex: 1; max-width: 40rem; padding: .4rem; background: var(--panel); color: var(--text); border: 1px solid #333; }
  /* Chromium's placeholder grey was 3.52:1 here (a fresh tester). */
  input::placeholder { color: var(--dim); opacity: 1; }
  /* For screen readers only (#announce). */
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  /* A column is 22rem, or the page's width if narrower: at 320 px (400 % zoom) panels were 352 px wide, counts cut off (a fresh tester). */
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(22rem, 100%), 1fr)); grid-auto-flow: dense; gap: .8rem; padding: 1rem 1.2rem; }
  /* Trades are what the page is for: a row across the page, every field in view. */
  #panel-trades { grid-column: 1 / -1; }
  .panel { background: var(--panel); border-radius: .4rem; padding: .6rem .8rem; min-height: 6rem; outline: 1px solid transparent; }
  /* A panel that received lights up and fades out (a transition to the flash's colour stayed lit for good: a fresh user); app.ts takes the class off at its end (and puts none on where the reader asks for reduced motion). */
  .panel.flash { animation: flash .6s ease-out; }
  @keyframes flash { from { outline-color: #3b82f6; } to { outline-color: transparent; } }
  /* Offline, the rows are the last ones received, not the live state: dim text, 4.6:1 (opacity .55 put the counts at 2.28:1: a fresh tester). */
  body[data-mode="offline"] .panel { color: var(--dim); }
  .panel h2 { font-size: .95rem; margin: 0 0 .4rem; display: flex; justify-content: space-between; }
  .count { color: var(--dim); font-variant-numeric: tabular-nums; }
  .rows { margin: 0; padding: 0; list-style: none; font: 12px/1.5 ui-monospace, monospace; }
  /* On a phone the label is a line above the input (the input and its buttons keep one line at 390 px). */
  @media (max-width: 600px) { header { gap: .15rem .9rem; padding: .5rem .8rem; } main, .tools + main { padding: .6rem .8rem; } .tools { padding: .5rem .8rem 0; } form { padding: .6rem .8rem; } #login-note, #login label { flex-basis: 100%; } }
  /* A message's line wraps rather than losing its end (status, pnl) to an ellipsis. */
  .rows li { overflow-wrap: anywhere; padding-left: 4.5em; text-indent: -4.5em; border-top: 1px solid #222b34; }
</style>
</head>
<body>
<header>
  <h1>realtime-contract</h1>
  <span class="badge" id="badge" data-mode="offline">Offline</span>
  <span class="stat" id="user-stat" title="the token's subject (sub), as the token says (all users: the demo's admin claim); the server decides what it may see">user <b id="user" dir="auto">–</b><span id="scope" hidden> (all users)</span></span>
  <span class="stat">rtt <b id="rtt">–</b></span>
  <span class="stat" id="state-stat">state <b id="state">idle</b></span>
  <span class="stat" title="valid messages received for this token, of every type: stream messages, connection messages, pings and pongs">messages <b id="received">0</b></span>
  <span class="stat" id="cursor-stat">cursor <b id="cursor">–</b></span>
  <span class="stat" title="messages received twice (across a reconnect or a switch to polling) and dropped, not shown twice">duplicates <b id="duplicates">0</b></span>
  <span class="stat gap" id="gap-stat" hidden>gaps <b id="gaps">0</b></span>
  <button type="button" id="switch" title="connect with another token (another user)">switch token</button>
</header>
<form id="login"><label for="token">Token</label><input id="token" name="token" placeholder="JWT (serve --demo prints one)" autocomplete="off"><button type="submit">Connect</button><button type="button" id="cancel" hidden>Cancel</button><span class="stat" id="login-note" role="alert"></span></form>
<span class="sr" id="announce" role="status"></span>
<p class="tools"><button type="button" id="pause" aria-pressed="false" title="hold the panels' rows still (messages are still received and counted)">pause</button></p>
<main id="panels"></main>
<script type="module" src="/dashboard.js"></script>
</body>
</html>
`;
