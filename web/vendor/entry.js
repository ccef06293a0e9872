// What the app imports from its one vendored module (built by build.sh): Preact, its hooks, and htm bound to
// Preact's h, so templates are tagged literals (html`<p>${text}</p>`) and values are always text nodes.
import { h, render, Fragment } from 'preact';
import { useState, useEffect, useRef, useCallback, useMemo } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };
