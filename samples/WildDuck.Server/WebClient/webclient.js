// SPDX-License-Identifier: MIT
// The sample web client of WildDuck.Core: plain JavaScript over the HTTP API (docs/api.md), no build step.
// It logs in with POST /authenticate, lists mailboxes and messages, shows a message (text; HTML
// sanitised and in a sandboxed frame; attachments), and follows GET /users/me/updates (EventSource).
'use strict';

(() => {
  const $ = id => document.getElementById(id);
  const state = { token: sessionStorage.getItem('wildduck.token'), mailbox: null, message: null, events: null, reloads: new Map() };

  // ---- API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.code = body && body.code;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (state.token) headers['X-Access-Token'] = state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      if (response.status === 401) loggedOut('Your session has ended; log in again.');
      throw new ApiError(response.status, json);
    }
    return json;
  }

  const userPath = path => '/users/me' + path;
  const enc = encodeURIComponent;

  // ---- Rendering helpers (text only: nothing from a message becomes markup here) ----------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function address(value) {
    if (!value) return '';
    return value.name ? value.name + ' <' + value.address + '>' : value.address;
  }

  function status(text) {
    $('status').textContent = text;
  }

  // ---- HTML sanitising ------------------------------------------------------------------------
  // Defence in depth: the frame already runs no scripts (sandbox without allow-scripts, CSP
  // default-src 'none'); the sanitiser also removes active content, event handlers, unsafe URLs
  // and remote images (tracking pixels) before the HTML reaches the frame.

  const allowedTags = new Set(['a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup',
    'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
    'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table',
    'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var']);
  const droppedWithContent = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'noscript', 'template',
    'svg', 'math', 'form', 'input', 'button', 'select', 'textarea', 'link', 'meta', 'base', 'title', 'head', 'audio', 'video', 'canvas']);
  const allowedAttributes = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'align', 'valign', 'border', 'cellpadding', 'cellspacing',
    'colspan', 'rowspan', 'color', 'bgcolor', 'face', 'size', 'style', 'dir', 'lang']);

  function safeUrl(name, value) {
    const url = value.trim().toLowerCase();
    if (name === 'href') return url.startsWith('http://') || url.startsWith('https://') || url.startsWith('mailto:');
    return url.startsWith('data:image/') && !url.startsWith('data:image/svg');
  }

  function clean(node) {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) continue;
      if (child.nodeType !== Node.ELEMENT_NODE) {
        child.remove();
        continue;
      }
      const tag = child.localName;
      if (droppedWithContent.has(tag)) {
        child.remove();
        continue;
      }
      clean(child);
      if (!allowedTags.has(tag)) {
        child.replaceWith(...Array.from(child.childNodes));
        continue;
      }
      for (const attribute of Array.from(child.attributes)) {
        const name = attribute.name.toLowerCase();
        if (!allowedAttributes.has(name) || ((name === 'href' || name === 'src') && !safeUrl(name, attribute.value))) {
          child.removeAttribute(attribute.name);
        }
      }
      if (tag === 'a') {
        child.setAttribute('target', '_blank');
        child.setAttribute('rel', 'noopener noreferrer');
      }
    }
  }

  function sanitize(html) {
    const document = new DOMParser().parseFromString(html, 'text/html');
    clean(document.body);
    return document.body.innerHTML;
  }

  const frameHead = '<!DOCTYPE html><meta charset="utf-8">' +
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">';

  // ---- Views ----------------------------------------------------------------------------------

  async function showMailboxes() {
    const { results } = await api('GET', userPath('/mailboxes?counters=true'));
    const list = $('mailboxes');
    list.replaceChildren();
    for (const mailbox of results) {
      const item = element('li', mailbox.id === state.mailbox ? 'selected' : '');
      item.dataset.id = mailbox.id;
      item.append(element('span', 'name', mailbox.path));
      item.append(element('span', 'counter', counterText(mailbox.total, mailbox.unseen)));
      item.addEventListener('click', () => openMailbox(mailbox.id).catch(report));
      list.append(item);
    }
    if (!state.mailbox && results.length > 0) {
      const inbox = results.find(m => m.path === 'INBOX') || results[0];
      await openMailbox(inbox.id);
    }
  }

  function counterText(total, unseen) {
    return unseen > 0 ? unseen + '/' + total : String(total);
  }

  async function refresh() {
    await showMailboxes();
    if (state.mailbox) await showMessages();
  }

  async function openMailbox(id) {
    if (state.mailbox !== id) {
      state.mailbox = id;
      state.message = null;
      $('message').hidden = true;
    }
    for (const item of $('mailboxes').children) item.classList.toggle('selected', item.dataset.id === id);
    await showMessages();
  }

  async function showMessages() {
    const mailbox = state.mailbox;
    const { results } = await api('GET', userPath('/mailboxes/' + enc(mailbox) + '/messages?limit=100'));
    if (mailbox !== state.mailbox) return;
    const list = $('messages');
    list.replaceChildren();
    for (const message of results) {
      const item = element('li', (message.seen ? '' : 'unseen') + (message.id === state.message ? ' selected' : ''));
      item.dataset.uid = String(message.id);
      item.append(element('span', 'subject', message.subject || '(no subject)'));
      item.append(element('span', 'from', address(message.from)));
      item.append(element('span', 'date', message.date ? new Date(message.date).toLocaleString() : ''));
      if (message.attachments) item.append(element('span', 'clip', '📎'));
      item.addEventListener('click', () => openMessage(message.id).catch(report));
      list.append(item);
    }
  }

  async function openMessage(uid) {
    state.message = uid;
    for (const item of $('messages').children) item.classList.toggle('selected', item.dataset.uid === String(uid));
    const path = userPath('/mailboxes/' + enc(state.mailbox) + '/messages/' + enc(uid));
    const message = await api('GET', path + '?markAsSeen=true');
    $('message-subject').textContent = message.subject || '(no subject)';
    $('message-from').textContent = address(message.from);
    $('message-text').textContent = message.text || '';

    const attachments = $('attachments');
    attachments.replaceChildren();
    for (const attachment of message.attachments || []) {
      const item = element('li');
      const link = element('a', 'attachment', (attachment.filename || attachment.id) + ' (' + attachment.sizeKb + ' kB)');
      link.href = '#';
      link.addEventListener('click', event => {
        event.preventDefault();
        download(path + '/attachments/' + enc(attachment.id), attachment.filename || attachment.id).catch(report);
      });
      item.append(link);
      attachments.append(item);
    }

    const html = (message.html || []).join('\n');
    const frame = $('message-html');
    frame.srcdoc = html ? frameHead + sanitize(html) : frameHead;
    $('show-html').disabled = !html;
    showPart(html && !message.text ? 'html' : 'text');
    $('message').hidden = false;
  }

  function showPart(part) {
    $('message-text').hidden = part !== 'text';
    $('message-html').hidden = part !== 'html';
  }

  // Attachments are fetched with the token in a header (not in a link, where it would end up in
  // history and logs) and handed to the browser as a download.
  async function download(path, filename) {
    const response = await fetch(path, { headers: { 'X-Access-Token': state.token } });
    if (!response.ok) throw new ApiError(response.status, null);
    const url = URL.createObjectURL(await response.blob());
    const link = element('a');
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // ---- Live updates ---------------------------------------------------------------------------
  // EventSource cannot send headers, so the token goes in the accessToken parameter the API
  // accepts. On reconnect the browser sends Last-Event-ID and the server replays what was missed.

  function follow() {
    if (state.events) state.events.close();
    const events = new EventSource(userPath('/updates?accessToken=' + enc(state.token)));
    state.events = events;
    // Whatever changed before the stream was open (or while it reconnected) is read once more.
    events.onopen = () => {
      status('Live');
      schedule(refresh);
    };
    events.onerror = () => status(events.readyState === EventSource.CLOSED ? 'Offline' : 'Reconnecting…');
    events.onmessage = event => {
      const change = JSON.parse(event.data);
      if (change.command === 'COUNTERS') {
        const item = Array.from($('mailboxes').children).find(li => li.dataset.id === change.mailbox);
        if (item) item.querySelector('.counter').textContent = counterText(change.total, change.unseen);
      } else if (change.command === 'CREATE' || change.command === 'RENAME' || change.command === 'DELETE') {
        if (change.command === 'DELETE' && change.mailbox === state.mailbox) state.mailbox = null;
        schedule(showMailboxes);
      } else if (change.mailbox === state.mailbox) {
        schedule(showMessages);
      }
    };
  }

  // Many changes in a row (a large delivery, a bulk flag change) become one reload.
  function schedule(view) {
    if (state.reloads.has(view)) return;
    state.reloads.set(view, setTimeout(() => {
      state.reloads.delete(view);
      view().catch(report);
    }, 100));
  }

  // ---- Session --------------------------------------------------------------------------------

  function report(error) {
    status(error.message || String(error));
  }

  async function start() {
    $('login').hidden = true;
    $('mail').hidden = false;
    $('logout').hidden = false;
    follow();
    await showMailboxes();
  }

  function loggedOut(message) {
    if (state.events) state.events.close();
    state.events = null;
    state.token = null;
    state.mailbox = null;
    sessionStorage.removeItem('wildduck.token');
    $('mail').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    status('');
  }

  $('login').addEventListener('submit', async event => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const result = await api('POST', '/authenticate', { username: $('username').value, password: $('password').value, token: true });
      state.token = result.token;
      sessionStorage.setItem('wildduck.token', result.token);
      $('password').value = '';
      await start();
    } catch (error) {
      $('login-error').textContent = error.code === 'AuthFailed' ? 'Wrong username or password.' : error.message;
    }
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api('DELETE', '/authenticate');
    } catch (error) {
      // The token is forgotten here either way.
    }
    loggedOut();
  });

  $('show-text').addEventListener('click', () => showPart('text'));
  $('show-html').addEventListener('click', () => showPart('html'));

  if (state.token) start().catch(report);
})();
