import { formatTable } from './bench-command';

describe('formatTable', () => {
  it('aligns the columns and lists the notes below', () => {
    const text = formatTable({
      title: 'Tracing overhead by sampling ratio',
      columns: ['sampling', 'highest rate held (tx/s)'],
      rows: [
        ['0 %', '900'],
        ['100 %', '700'],
      ],
      notes: ['One ramp per row.'],
    });
    expect(text.split('\n')).toEqual([
      '  Tracing overhead by sampling ratio:',
      '  sampling  highest rate held (tx/s)',
      '  --------  ------------------------',
      '  0 %       900',
      '  100 %     700',
      '  * One ramp per row.',
      '',
    ]);
  });
});
