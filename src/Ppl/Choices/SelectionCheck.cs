namespace Ppl;

/// <summary>
/// Catches misspelled selections: every address written into a selection must name a choice of the model (or, for a
/// <see cref="Selection.Prefix(Address[])"/>, have choices under it). A kernel whose selection names nothing would
/// otherwise run without error and never move. Models whose structure is random may have an address in some traces
/// only, so an address counts as known once any trace looked at has it.
/// </summary>
public static class SelectionCheck
{
    /// <summary>
    /// Throws <see cref="UnknownAddressException"/>, naming the closest choice address, when an address written in
    /// <paramref name="selection"/> names no choice of any of <paramref name="traces"/> (e.g. every particle of a population).
    /// </summary>
    /// <param name="traces">Traces of the model the selection is meant for.</param>
    /// <param name="selection">The selection.</param>
    /// <param name="who">Who uses the selection, for the message (e.g. "Kernel.Mh").</param>
    public static void Require(IReadOnlyList<ITrace> traces, Selection selection, string who)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(selection);
        var pending = Pending(selection);
        foreach (var t in traces)
        {
            if (pending.Count == 0) return;
            pending.RemoveAll(n => Has(t, n));
        }
        if (pending.Count > 0 && traces.Count > 0) throw Unknown(traces[0], pending[0].Address, who);
    }

    /// <summary>The addresses written in a selection, each with whether it names a subtree.</summary>
    internal static List<(Address Address, bool Subtree)> Pending(Selection selection) => selection.Named.Distinct().ToList();

    /// <summary>Whether <paramref name="trace"/> has a choice at the address (or under it, for a subtree).</summary>
    internal static bool Has(ITrace trace, (Address Address, bool Subtree) named)
    {
        var one = named.Subtree ? Selection.Prefix(named.Address) : Selection.At(named.Address);
        foreach (var (a, _) in trace.Choices.Leaves)
            if (one.Contains(a)) return true;
        return false;
    }

    /// <summary>The error for an address no trace had, suggesting the closest address of <paramref name="trace"/>.</summary>
    internal static UnknownAddressException Unknown(ITrace trace, Address address, string who) =>
        new(who, trace.Function.Name, address, trace.Choices.Leaves.Select(l => l.Address));
}

/// <summary>
/// Watches the traces a kernel moves for the addresses its selection names: an address seen in any of the first
/// <see cref="Steps"/> traces is known; one never seen by then is a misspelling, reported as an
/// <see cref="UnknownAddressException"/>. Costs nothing once every address has been seen. Safe to share between chains.
/// </summary>
public sealed class SelectionWatch
{
    /// <summary>How many traces may lack an address (a model with random structure) before it is an error.</summary>
    public const int Steps = 100;

    private readonly string _who;
    private readonly List<(Address Address, bool Subtree)> _pending;
    private readonly object _gate = new();
    private int _looked;

    /// <summary>Watches <paramref name="selection"/> for <paramref name="who"/> (named in the message).</summary>
    public SelectionWatch(Selection selection, string who)
    {
        ArgumentNullException.ThrowIfNull(selection);
        _who = who;
        _pending = SelectionCheck.Pending(selection);
    }

    /// <summary>Looks at the trace a kernel is about to move; throws when an address went unseen for <see cref="Steps"/> traces.</summary>
    public void Look(ITrace trace)
    {
        if (Volatile.Read(ref _looked) < 0) return;
        lock (_gate)
        {
            if (_looked < 0) return;
            _pending.RemoveAll(n => SelectionCheck.Has(trace, n));
            if (_pending.Count == 0)
            {
                _looked = -1;
                return;
            }
            if (++_looked >= Steps) throw SelectionCheck.Unknown(trace, _pending[0].Address, _who);
        }
    }
}
