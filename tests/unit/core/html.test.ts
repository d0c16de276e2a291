import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../src/core/html';

describe('HTML-only mail as text', () => {
  it('keeps paragraphs, line breaks and list items and drops markup', () => {
    const html = `<html><head><title>x</title><style>p{color:red}</style></head>
<body><p>Hello <b>all</b>,</p><p>the fix:<br>line one<br/>line two</p>
<ul><li>first</li><li>second</li></ul><!-- tracking --><script>alert(1)</script></body></html>`;
    expect(htmlToText(html)).toBe('Hello all,\nthe fix:\nline one\nline two\n\n* first\n* second');
  });

  it('decodes named and numeric entities, and leaves unknown or invalid ones as written', () => {
    expect(
      htmlToText('a &lt;b&gt; &amp; &quot;c&quot; &#233;&#x1F600; &bogus; &#0; &#x110000;'),
    ).toBe('a <b> & "c" é😀 &bogus; &#0; &#x110000;');
  });

  it('does not turn decoded entities into markup', () => {
    expect(htmlToText('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('<script>alert(1)</script>');
  });

  it('collapses runs of blank lines and trailing spaces', () => {
    expect(htmlToText('<div>a   </div><div></div><div></div><div>b</div>')).toBe('a\n\nb');
  });
});
