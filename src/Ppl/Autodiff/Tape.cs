using System.Runtime.CompilerServices;

namespace Ppl.Autodiff;

/// <summary>
/// The record of one reverse-mode computation: a flat array of nodes, each with up to three parents and
/// the partial derivatives towards them, written as the forward pass runs. The gradient is one backward
/// sweep over the array. A tape belongs to one thread (<see cref="Current"/>); <see cref="Real"/>
/// arithmetic records on the current thread's tape, so differentiable code reads like ordinary double
/// code and allocates nothing once the arrays have grown to the model's size.
/// <para>
/// A node's missing or constant parents point at the node itself with partial 0, so the backward sweep needs no branch
/// on "has parent" and its steps share no memory cell; node 0 is the sink that a <see cref="Real"/> constant's index
/// names, and a variable's (and an operation's output's) parents.
/// </para>
/// <para>
/// An operation with many inputs and many outputs (a Cholesky factor, a triangular solve, a matrix–vector
/// product) is recorded as a <see cref="TapeOperation"/>: a block of parentless output nodes plus the operation,
/// whose adjoint rule runs once when the sweep reaches the block's first node (after every later node, so all
/// of the outputs' adjoints are complete) and adds to its inputs' adjoints. Its cost is the rule's, not one
/// node per scalar step.
/// </para>
/// </summary>
public sealed class Tape
{
    [ThreadStatic]
    private static Tape? t_current;

    private Node[] _nodes = new Node[256];
    private double[] _adjoints = new double[256];
    private int _count = 1;
    private TapeOperation?[] _ops = new TapeOperation?[8];
    private int[] _opFirst = new int[8];
    private int _opCount;
    private MemoEntry[]? _memo;
    // The last shared node returned and its key (reset with the tape, so it never outlives its generation), and the
    // last one pushed, which TryTakeLast must not take.
    private int _lastShared, _lastP1, _lastP2, _lastP3, _lastFunction;
    private int _lastPushedShared;

    // Nodes 1 … _parentlessPrefix are parentless (the variables a density creates before anything else): the sweep stops
    // above them, since they pass nothing on. Each would otherwise add zero into the sink three times, and those adds
    // wait on one another through that one memory cell (about 9 ns a variable).
    private int _parentlessPrefix;

    // Entries of the table of shared three-parent nodes (PushShared): direct-mapped, a collision evicts.
    private const int MemoSize = 512;

    /// <summary>This thread's tape.</summary>
    public static Tape Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? NewCurrent();
    }

    private static Tape NewCurrent() => t_current = new Tape();

    /// <summary>
    /// Makes <paramref name="tape"/> this thread's tape and returns the one it replaces (null when there was none yet), so
    /// that a computation nested in a model's (a Jacobian taken by the ODE solvers) can record on a scratch tape of its
    /// own and leave the model's untouched; the caller restores the old one in a <c>finally</c>.
    /// </summary>
    internal static Tape? Swap(Tape? tape)
    {
        var old = t_current;
        t_current = tape;
        return old;
    }

    /// <summary>
    /// How many times the tape was <see cref="Reset"/>: an operation recorded in an earlier generation is no longer
    /// referenced by the tape, so its object may be reused (<see cref="DotRowsOperation"/> does).
    /// </summary>
    internal int Generation { get; private set; }

    /// <summary>
    /// The <see cref="DotRowsOperation"/> objects this tape has recorded, reused in order once the tape is reset (a model
    /// whose rows are interleaved with other nodes records one operation per row, so one object would not do).
    /// </summary>
    internal List<DotRowsOperation> DotRows { get; } = [];

    /// <summary>How many of <see cref="DotRows"/> are in use in <see cref="DotRowsGeneration"/>.</summary>
    internal int DotRowsUsed { get; set; }

    /// <summary>The generation <see cref="DotRowsUsed"/> counts in.</summary>
    internal int DotRowsGeneration { get; set; }

    /// <summary>The number of nodes recorded since the last <see cref="Reset"/> (the sink included).</summary>
    public int Count => _count;

    /// <summary>Forgets every node; the <see cref="Real"/> values made before become invalid.</summary>
    public void Reset()
    {
        // A memo entry names a node of the generation it was written in; after 2³² resets a stale one could match again.
        if (++Generation == 0 && _memo is not null) Array.Clear(_memo);
        _count = 1;
        _lastShared = 0;
        _lastPushedShared = 0;
        _parentlessPrefix = 0;
        if (_opCount > 0)
        {
            Array.Clear(_ops, 0, _opCount);
            _opCount = 0;
        }
    }

    /// <summary>A new independent variable with value <paramref name="value"/>.</summary>
    public Real Variable(double value)
    {
        // A variable keeps the sink (0) as its parents, so its adjoint stays exactly what the sweep accumulated.
        return new(value, PushParentless());
    }

    /// <summary>Records a node whose parents are all the sink (a variable, an operation's added output); returns its index.</summary>
    private int PushParentless()
    {
        if (_count == _nodes.Length) Grow();
        _nodes[_count] = default;
        if (_count == _parentlessPrefix + 1) _parentlessPrefix++;
        return _count++;
    }

    /// <summary>
    /// Runs the backward sweep from <paramref name="output"/>: afterwards <see cref="Adjoint"/> gives
    /// ∂output/∂v for every node v recorded before it.
    /// </summary>
    public void Backward(Real output)
    {
        var n = _count;
        var adj = _adjoints;
        Array.Clear(adj, 0, n);
        if (output.Index == 0) return;
        adj[output.Index] = 1.0;
        Sweep(output.Index);
    }

    /// <summary>
    /// The backward sweep of a sum that was never recorded: Σ <paramref name="terms"/> + Σⱼ <paramref name="partials"/>ⱼ ·
    /// node(<paramref name="parents"/>ⱼ), each term's adjoint seeded with 1 and each parent's with its partial. Afterwards
    /// <see cref="Adjoint"/> gives the sum's derivatives, as <see cref="Backward(Real)"/> of the recorded sum would, without
    /// the sum's chain of nodes (a differentiable form's total over its sites).
    /// </summary>
    internal void Backward(ReadOnlySpan<Real> terms, ReadOnlySpan<int> parents, ReadOnlySpan<double> partials)
    {
        var n = _count;
        var adj = _adjoints;
        Array.Clear(adj, 0, n);
        var top = 0;
        foreach (var t in terms)
        {
            adj[t.Index] += 1.0;
            top = Math.Max(top, t.Index);
        }
        for (var j = 0; j < parents.Length; j++)
        {
            adj[parents[j]] += partials[j];
            top = Math.Max(top, parents[j]);
        }
        // Constant terms seeded the sink; it has no parents to pass that on to.
        adj[0] = 0;
        if (top > 0) Sweep(top);
    }

    /// <summary>The sweep from node <paramref name="from"/> down, the adjoints seeded.</summary>
    private void Sweep(int from)
    {
        var adj = _adjoints;
        var nodes = _nodes;
        // The sweep runs in segments between multi-output operations, so the per-node loop has no extra test: nodes
        // down to just above an operation's first output node, then its rule (the output nodes are parentless).
        var op = _opCount - 1;
        while (op >= 0 && _opFirst[op] > from) op--;
        var i = from;
        while (true)
        {
            var stop = op >= 0 ? _opFirst[op] : 0;
            // No operation lies in the parentless prefix (its outputs would have ended it), so below the last one the
            // sweep ends at the prefix.
            var low = op >= 0 ? stop : _parentlessPrefix;
            for (; i > low; i--)
            {
                var a = adj[i];
                if (a == 0.0) continue;
                ref readonly var node = ref nodes[i];
                adj[node.P1] += a * node.D1;
                adj[node.P2] += a * node.D2;
                adj[node.P3] += a * node.D3;
            }
            if (stop == 0) return;
            _ops[op]!.Backward(adj, stop);
            op--;
            i = stop - 1;
        }
    }

    /// <summary>∂output/∂<paramref name="v"/> after <see cref="Backward(Real)"/> (0 for constants).</summary>
    public double Adjoint(Real v) => v.Index == 0 ? 0.0 : _adjoints[v.Index];

    /// <summary>Records a node; returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Push(int p1, double d1, int p2, double d2, int p3, double d3)
    {
        if (_count == _nodes.Length) Grow();
        var i = _count++;
        ref var node = ref _nodes[i];
        // A missing or constant parent (index 0) points at the node itself with partial 0. Were it the shared sink,
        // every step of the backward sweep would add into one memory cell, and each step would wait for the previous
        // step's store to it; the node's own cell is read before its parents are updated and never again in a sweep.
        node.P1 = p1 == 0 ? i : p1;
        node.D1 = p1 == 0 ? 0 : d1;
        node.P2 = p2 == 0 ? i : p2;
        node.D2 = p2 == 0 ? 0 : d2;
        node.P3 = p3 == 0 ? i : p3;
        node.D3 = p3 == 0 ? 0 : d3;
        return i;
    }

    /// <summary>
    /// <see cref="Push"/> for a pure function <paramref name="function"/> (a small tag the caller owns) of three values
    /// on the tape, returning the node recorded earlier in this generation for the same function of the same three
    /// nodes where the table still holds it. The same parents have the same values, so the value and the partials are
    /// the same too. This is common subexpression elimination at run time: a hierarchical model's location
    /// <c>mu + tau * z[group[i]]</c> is one node per group instead of one per row, and the backward sweep visits each
    /// once. A constant parent (index 0) has no identity to compare, so such a node is always pushed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int PushShared(int function, int p1, double d1, int p2, double d2, int p3, double d3)
    {
        if ((p1 == 0) | (p2 == 0) | (p3 == 0)) return Push(p1, d1, p2, d2, p3, d3);
        // The last shared node first: rows of one group usually come together.
        if (_lastShared != 0 && p3 == _lastP3 && p1 == _lastP1 && p2 == _lastP2 && function == _lastFunction) return _lastShared;
        var memo = _memo ??= new MemoEntry[MemoSize];
        var slot = (int)((uint)(p1 * -1640531535 ^ p2 * 0x27d4eb2d ^ p3 * 0x165667b1 ^ function) >> 23) & (MemoSize - 1);
        ref var e = ref memo[slot];
        if (e.P1 == p1 && e.P2 == p2 && e.P3 == p3 && e.Function == function && e.Generation == Generation) return Remember(p1, p2, p3, function, e.Node);
        var node = Push(p1, d1, p2, d2, p3, d3);
        e.P1 = p1;
        e.P2 = p2;
        e.P3 = p3;
        e.Function = function;
        e.Generation = Generation;
        e.Node = node;
        _lastPushedShared = node;
        return Remember(p1, p2, p3, function, node);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Remember(int p1, int p2, int p3, int function, int node)
    {
        _lastP1 = p1;
        _lastP2 = p2;
        _lastP3 = p3;
        _lastFunction = function;
        return _lastShared = node;
    }

    /// <summary>
    /// Takes back the last node when it is <paramref name="index"/>, an ordinary node (not a variable, not an output of
    /// an operation, not shared through <see cref="PushShared"/>): returns its parents and partials (a missing parent
    /// as index 0) so that the caller can pass them on, and the next node takes its place. Only for a node that nothing
    /// else refers to: the context of a differentiable form moves each site's log-density node into its total this way,
    /// so a site costs a chain entry per parent instead of a node of its own plus an entry (what a hand-written
    /// vectorised density saves).
    /// </summary>
    internal bool TryTakeLast(int index, out int p1, out double d1, out int p2, out double d2, out int p3, out double d3)
    {
        ref readonly var node = ref _nodes[index < _nodes.Length ? index : 0];
        // A variable's or an operation output's parents are the sink (0); an ordinary node's point at parents or itself.
        if (index != _count - 1 || index == _lastPushedShared || node.P1 == 0)
        {
            p1 = p2 = p3 = 0;
            d1 = d2 = d3 = 0;
            return false;
        }
        p1 = node.P1 == index ? 0 : node.P1;
        d1 = node.D1;
        p2 = node.P2 == index ? 0 : node.P2;
        d2 = node.D2;
        p3 = node.P3 == index ? 0 : node.P3;
        d3 = node.D3;
        _count--;
        return true;
    }

    /// <summary>
    /// Records <paramref name="operation"/> with <paramref name="outputs"/> (at least 1) parentless output nodes;
    /// returns the index of the first, the others follow it. Its inputs must be recorded before it.
    /// </summary>
    internal int PushOperation(TapeOperation operation, int outputs)
    {
        while (_count + outputs > _nodes.Length) Grow();
        var first = _count;
        Array.Clear(_nodes, first, outputs);
        _count += outputs;
        if (_opCount == _ops.Length)
        {
            Array.Resize(ref _ops, _ops.Length * 2);
            Array.Resize(ref _opFirst, _ops.Length);
        }
        _ops[_opCount] = operation;
        _opFirst[_opCount++] = first;
        return first;
    }

    /// <summary>
    /// Gives the last recorded operation one more output node when it is <paramref name="operation"/>, it has
    /// <paramref name="outputs"/> outputs so far and nothing was recorded after them; returns the node's index, or 0
    /// (the sink) when any of that does not hold. A run of calls that share their inputs then makes one operation.
    /// </summary>
    internal int ExtendLastOperation(TapeOperation operation, int outputs)
    {
        if (_opCount == 0 || !ReferenceEquals(_ops[_opCount - 1], operation) || _opFirst[_opCount - 1] + outputs != _count) return 0;
        return PushParentless();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        Array.Resize(ref _nodes, _nodes.Length * 2);
        Array.Resize(ref _adjoints, _nodes.Length);
    }

    private struct MemoEntry
    {
        public int P1, P2, P3, Function, Generation, Node;
    }

    private struct Node
    {
        public int P1, P2, P3;
        public double D1, D2, D3;
    }
}

/// <summary>
/// A recorded operation with many outputs: its adjoint rule reads the adjoints of its outputs (nodes
/// first … first + outputs − 1) and adds to its inputs' adjoints (inputs that were constants have index 0, the
/// sink, so a rule needs no branch for them).
/// </summary>
internal abstract class TapeOperation
{
    /// <summary>Applies the adjoint rule to <paramref name="adjoints"/>; the outputs start at <paramref name="first"/>.</summary>
    internal abstract void Backward(double[] adjoints, int first);
}
