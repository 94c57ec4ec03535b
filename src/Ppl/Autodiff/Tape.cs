using System.Runtime.CompilerServices;

namespace Ppl.Autodiff;

/// <summary>
/// The record of one reverse-mode computation: a flat array of nodes, each with up to three parents and
/// the partial derivatives towards them, written as the forward pass runs. The gradient is one backward
/// sweep over the array. A tape belongs to one thread (<see cref="Current"/>); <see cref="Real"/>
/// arithmetic records on the current thread's tape, so differentiable code reads like ordinary double
/// code and allocates nothing once the arrays have grown to the model's size.
/// <para>
/// Node 0 is a sink that constants point to, so the backward sweep needs no branch on "has parent".
/// </para>
/// </summary>
public sealed class Tape
{
    [ThreadStatic]
    private static Tape? t_current;

    private Node[] _nodes = new Node[256];
    private double[] _adjoints = new double[256];
    private int _count = 1;

    /// <summary>This thread's tape.</summary>
    public static Tape Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? NewCurrent();
    }

    private static Tape NewCurrent() => t_current = new Tape();

    /// <summary>The number of nodes recorded since the last <see cref="Reset"/> (the sink included).</summary>
    public int Count => _count;

    /// <summary>Forgets every node; the <see cref="Real"/> values made before become invalid.</summary>
    public void Reset() => _count = 1;

    /// <summary>A new independent variable with value <paramref name="value"/>.</summary>
    public Real Variable(double value) => new(value, Push(0, 0, 0, 0, 0, 0));

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
        var nodes = _nodes;
        for (var i = output.Index; i > 0; i--)
        {
            var a = adj[i];
            if (a == 0.0) continue;
            ref readonly var node = ref nodes[i];
            adj[node.P1] += a * node.D1;
            adj[node.P2] += a * node.D2;
            adj[node.P3] += a * node.D3;
        }
    }

    /// <summary>∂output/∂<paramref name="v"/> after <see cref="Backward"/> (0 for constants).</summary>
    public double Adjoint(Real v) => v.Index == 0 ? 0.0 : _adjoints[v.Index];

    /// <summary>Records a node; returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Push(int p1, double d1, int p2, double d2, int p3, double d3)
    {
        if (_count == _nodes.Length) Grow();
        var i = _count++;
        ref var node = ref _nodes[i];
        node.P1 = p1;
        node.D1 = d1;
        node.P2 = p2;
        node.D2 = d2;
        node.P3 = p3;
        node.D3 = d3;
        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        Array.Resize(ref _nodes, _nodes.Length * 2);
        Array.Resize(ref _adjoints, _nodes.Length);
    }

    private struct Node
    {
        public int P1, P2, P3;
        public double D1, D2, D3;
    }
}
