using System.Runtime.CompilerServices;

namespace Ppl.Autodiff;

/// <summary>
/// Records one value with many parents, (parent, partial) pair by pair as the caller computes them: the chain of
/// nodes <see cref="Real.FromPartials"/> records, without the parent and partial buffers it needs. Each node takes up
/// to three parents; a node after the first passes the running node on with derivative 1 and takes two more, so the
/// backward sweep needs no special case. Constant parents are skipped, and a parent added again right after itself
/// adds to its partial instead of taking a slot: observations in long format sorted by group, whose locations are one
/// node per group (<see cref="Tape.PushShared"/>), then cost one entry per group.
/// </summary>
internal ref struct PartialsChain
{
    private readonly Tape _tape;
    private int _p1, _p2, _p3, _slots;
    private double _d1, _d2, _d3;
    // The last parent added and its partial so far, not yet in a slot: a run of the same parent adds up here.
    private int _pending;
    private double _pendingPartial;

    /// <summary>An empty chain on this thread's tape.</summary>
    public PartialsChain() => _tape = Tape.Current;

    /// <summary>Adds ∂value/∂<paramref name="parent"/> = <paramref name="partial"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in Real parent, double partial) => Add(parent.Index, partial);

    /// <summary>Adds ∂value/∂(node <paramref name="index"/>) = <paramref name="partial"/> (index 0, a constant: nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int index, double partial)
    {
        if (index == _pending)
        {
            // Index 0 lands here too (pending starts at 0): a constant's partial is summed and dropped at the flush.
            _pendingPartial += partial;
            return;
        }
        Flush();
        _pending = index;
        _pendingPartial = partial;
    }

    /// <summary>Moves the pending parent into a slot (a full node is pushed first, passing the running node on).</summary>
    private void Flush()
    {
        if (_pending == 0) return;
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
            case 0: _p1 = _pending; _d1 = _pendingPartial; break;
            case 1: _p2 = _pending; _d2 = _pendingPartial; break;
            default: _p3 = _pending; _d3 = _pendingPartial; break;
        }
        _slots++;
    }

    /// <summary>The value with every partial added so far (a constant when no parent was on the tape).</summary>
    public Real Finish(double value)
    {
        Flush();
        _pending = 0;
        return _slots == 0 ? new Real(value, 0) : new Real(value, _tape.Push(_p1, _d1, _p2, _d2, _p3, _d3));
    }
}
