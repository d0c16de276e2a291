/**
 * format=flowed text (RFC 3676) unfolded the way postal-mime unfolds it, so a
 * flowed part reads the same whether postal-mime decoded it or not: a line ending
 * in a space goes on with the next (the space dropped with delsp=yes), except the
 * signature separator "-- "; one leading space of each line is stuffing.
 */
export function unflow(text: string, delSp: boolean): string {
  // Pieces of the result, joined once: appending to one string and testing its end
  // on every line would flatten it again each time.
  const parts: string[] = [];
  let lineStart = 0;
  let lineLength = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.charAt(0) === ' ') line = line.slice(1);
    if (i) {
      const last = parts.length ? parts[parts.length - 1] : '';
      const signature = lineLength === 3 && parts.slice(lineStart).join('') === '-- ';
      if (last.endsWith(' ') && !signature) {
        if (delSp) {
          if (last.length > 1) parts[parts.length - 1] = last.slice(0, -1);
          else parts.pop();
          lineLength--;
        }
      } else {
        parts.push('\n');
        lineStart = parts.length;
        lineLength = 0;
      }
    }
    if (line) {
      parts.push(line);
      lineLength += line.length;
    }
  }
  return parts.join('');
}
