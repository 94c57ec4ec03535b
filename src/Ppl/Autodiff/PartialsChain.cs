using System.Runtime.CompilerServices;

namespace Ppl.Autodiff;

/// <summary>
/// Records one value with many parents, (parent, partial) pair by pair as the caller computes them: the chain of
/// nodes <see cref="Real.FromPartials"/> records, without the parent and partial buffers it needs. Each node takes up
/// to three parents; a node after the first passes the running node on with derivative 1 and takes two more, so the
/// backward sweep needs no special case. Constant parents are skipped.
/// </summary>
internal ref struct PartialsChain
{
    private readonly Tape _tape;
    private int _p1, _p2, _p3, _slots;
    private double _d1, _d2, _d3;

    /// <summary>An empty chain on this thread's tape.</summary>
    public PartialsChain() => _tape = Tape.Current;

    /// <summary>Adds ∂value/∂<paramref name="parent"/> = <paramref name="partial"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in Real parent, double partial)
    {
        var index = parent.Index;
        if (index == 0) return;
        if (_slots == 3)
        {
            _p1 = _tape.Push(_p1, _d1, _p2, _d2, _p3, _d3);
            _d1 = 1.0;
            _p2 = _p3 = 0;
            _d2 = _d3 = 0;
            _slots = 1;
        }
        switch (_slots)
        {
            case 0: _p1 = index; _d1 = partial; break;
            case 1: _p2 = index; _d2 = partial; break;
            default: _p3 = index; _d3 = partial; break;
        }
        _slots++;
    }

    /// <summary>The value with every partial added so far (a constant when no parent was on the tape).</summary>
    public readonly Real Finish(double value) => _slots == 0 ? new Real(value, 0) : new Real(value, _tape.Push(_p1, _d1, _p2, _d2, _p3, _d3));
}
