// The ride code page (/me): this browser acts as the rider's phone (docs/riders.md). It holds its
// own Ed25519 key, enrols it through the rider API, fetches a credential while online, and signs
// a fresh code every refresh, exactly as an app does (docs/ride-code-format.md).
import { forgetPhone, loadPhone, savePhone } from './phoneStore.js';
import { base64urlToBytes, bytesToBase64url, readCredential, signCode } from './rideCodeFormat.js';

const $ = (id) => document.getElementById(id);
const section = $('ride-code');
const { riderId, csrfToken, currency } = section.dataset;
const refreshMs = Number(section.dataset.refreshS) * 1000;
/** The offline limit a credential issued now would carry: a different one means the funds changed. */
const currentLimitMinor = Number(section.dataset.offlineLimitMinor);
const riderPath = `/api/riders/${encodeURIComponent(riderId)}`;
const money = new Intl.NumberFormat(undefined, { style: 'currency', currency });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const TICK_MS = 500;

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** A call of the rider API with this page's session; the CSRF header proves it came from the page. */
async function post(path, body = {}) {
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'OFFLINE', 'the gateway cannot be reached');
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer.error?.code ?? `HTTP_${response.status}`, answer.error?.message ?? response.statusText);
  return answer;
}

const nowS = () => Math.floor(Date.now() / 1000);

async function enrol() {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
  const { phoneId, tokenId } = await post(`${riderPath}/phones`, { publicKey: bytesToBase64url(publicKey), algorithm: 'ed25519' });
  const phone = { riderId, phoneId, tokenId, privateKey: keys.privateKey, publicKey, credential: null, counter: 0, enrolledAt: Date.now() };
  await savePhone(phone);
  return phone;
}

async function fetchCredential(phone) {
  const issued = await post(`${riderPath}/phones/${encodeURIComponent(phone.phoneId)}/credential`);
  const credential = base64urlToBytes(issued.credential);
  if (bytesToBase64url(readCredential(credential).phonePublicKey) !== bytesToBase64url(phone.publicKey)) throw new Error('the gateway issued a credential for another key');
  phone.credential = credential;
  await savePhone(phone);
}

/** Renewed past half its life, or (on opening the page) when the funds behind its offline limit changed. */
function wantsCredential(phone, checkLimit) {
  if (!phone.credential) return true;
  const credential = readCredential(phone.credential);
  return nowS() >= (credential.validFromS + credential.validUntilS) / 2 || (checkLimit && credential.offlineLimitMinor !== currentLimitMinor);
}

const usable = (phone) => Boolean(phone.credential) && readCredential(phone.credential).validUntilS > nowS();

/** The rider's phone on this browser: enrolled, with a credential as fresh as the network allows. */
async function readyPhone() {
  let phone = (await loadPhone(riderId)) ?? (await enrol());
  if (!wantsCredential(phone, true)) return phone;
  try {
    await fetchCredential(phone);
  } catch (error) {
    if (error.code === 'PHONE_NOT_FOUND' || error.code === 'TOKEN_NOT_FOUND') {
      // The gateway no longer knows this key: enrol a new one.
      await forgetPhone(riderId);
      phone = await enrol();
      await fetchCredential(phone);
    } else if (!usable(phone)) throw error;
  }
  return phone;
}

function showState(text, problem = false) {
  const state = $('ride-code-state');
  state.textContent = text;
  state.classList.toggle('problem', problem);
}

function showCredential(phone) {
  const credential = readCredential(phone.credential);
  $('credential-until').textContent = when.format(credential.validUntilS * 1000);
  $('credential-limit').textContent = money.format(credential.offlineLimitMinor / 10 ** money.resolvedOptions().maximumFractionDigits);
  $('phone-id').textContent = `enrolled as phone …${phone.phoneId.slice(-8)} on ${when.format(phone.enrolledAt)}`;
}

let phone;
let nextCodeAt = 0;

async function showCode() {
  phone.counter = (phone.counter + 1) >>> 0;
  await savePhone(phone);
  const code = await signCode(phone.privateKey, phone.credential, nowS(), phone.counter);
  const image = $('ride-code-qr');
  image.src = `${riderPath}/ride-code.svg?code=${encodeURIComponent(code)}`;
  image.hidden = false;
  $('ride-code-text').textContent = code;
  section.dataset.code = code;
  section.dataset.counter = String(phone.counter);
  nextCodeAt = Date.now() + refreshMs;
  showState('Show this code at the gate.');
}

async function tick() {
  if (Date.now() >= nextCodeAt) {
    if (wantsCredential(phone, false)) await fetchCredential(phone).then(() => showCredential(phone), () => undefined); // offline: keep the one it has
    if (!usable(phone)) {
      $('ride-code-qr').hidden = true;
      return showState('The credential has run out: connect to the network and reload this page.', true);
    }
    await showCode();
  }
  $('ride-code-countdown').textContent = `${Math.max(0, Math.ceil((nextCodeAt - Date.now()) / 1000))} s`;
}

async function loop() {
  try {
    await tick();
  } catch (error) {
    showState(`No code: ${error.message}`, true);
  }
  setTimeout(loop, TICK_MS);
}

function explain(error) {
  if (error?.name === 'NotSupportedError') return 'This browser cannot sign ride codes (it has no Ed25519 in WebCrypto): use a current Chrome, Edge, Firefox or Safari.';
  if (error instanceof ApiError) return `The gateway refused this device: ${error.message}.`;
  return `This device could not be made ready: ${error?.message ?? error}.`;
}

async function start() {
  if (!window.isSecureContext || !crypto.subtle) return showState('Ride codes are signed with WebCrypto, which browsers allow only over HTTPS: open this page at its https:// address.', true);
  $('ride-code-qr').addEventListener('error', () => showState('The picture of the code could not be loaded: check the connection.', true));
  try {
    phone = await readyPhone();
  } catch (error) {
    return showState(explain(error), true);
  }
  showCredential(phone);
  // A phone woken from sleep shows a fresh code at once, not the one from before.
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && (nextCodeAt = 0));
  loop();
}

start();
