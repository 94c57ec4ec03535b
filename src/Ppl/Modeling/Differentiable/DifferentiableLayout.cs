namespace Ppl.Modeling;

/// <summary>What one effect of a run of the differentiable form does (see <see cref="DifferentiableLayout"/>).</summary>
internal enum VisitKind : byte
{
    /// <summary>A continuous choice read from an unconstrained coordinate through its distribution's bijector.</summary>
    Coordinate,

    /// <summary>A continuous choice held at a value (observed by a constraint, or not selected).</summary>
    Held,

    /// <summary>A discrete choice held at its value.</summary>
    Discrete,

    /// <summary>An observation (its value is in the code).</summary>
    Observe,

    /// <summary>A factor.</summary>
    Factor,

    /// <summary>The start of a sub-model call.</summary>
    Enter,

    /// <summary>The end of a sub-model call.</summary>
    Exit,

    /// <summary>A deterministic quantity to report (its index among them in <see cref="Visit.Coordinate"/>).</summary>
    Deterministic,
}

/// <summary>
/// One effect of a run, in visit order. A coordinate visit owns <paramref name="Count"/> coordinates from
/// <paramref name="Coordinate"/> and writes its value's entries from <paramref name="ValueIndex"/> in a recorded draw; a
/// held vector or matrix choice keeps its entries (row by row) in <paramref name="Held"/>.
/// </summary>
internal readonly record struct Visit(VisitKind Kind, int Coordinate, double Value, Address Address, string Family, int Count = 1, int ValueIndex = -1, double[]? Held = null);

/// <summary>A finite discrete choice that the density sums out: the visit that draws it and its support Min … Min + Size − 1.</summary>
internal readonly record struct SummedChoice(int Visit, Address Address, long Min, int Size);

/// <summary>
/// The layout of a model's differentiable form for given arguments, observations and selection: the
/// sequence of effects a run visits (Stan's fixed parameter set), which continuous choices are the
/// coordinates of the unconstrained position (in visit order), and the values of everything held fixed.
/// It is found by one run (<see cref="DifferentiableContext.Discover"/>); every later run replays it by
/// visit index, so a site costs no address lookup. A model whose set of sites changes with the values of
/// its continuous choices has no fixed layout: a run that strays from it throws
/// <see cref="DifferentiableLayoutException"/>.
/// </summary>
public sealed class DifferentiableLayout
{
    internal DifferentiableLayout(Visit[] visits, Address[] coordinates, string[] families, double[] start, double startLogDensity, Address[] deterministics,
        DifferentiableChoice[] choices, Address[] values, SummedChoice[]? summed = null)
    {
        Summed = summed ?? [];
        Choices = choices;
        Values = values;
        Deterministics = deterministics;
        Visits = visits;
        Coordinates = coordinates;
        Families = families;
        Start = start;
        StartLogDensity = startLogDensity;
    }

    internal Visit[] Visits { get; }

    /// <summary>The discrete choices summed out (laid out with <c>sumOutDiscrete</c>), in visit order.</summary>
    internal SummedChoice[] Summed { get; }

    /// <summary>The addresses of the discrete choices the density sums out exactly (empty unless asked for).</summary>
    public IReadOnlyList<Address> SummedOut => Summed.Select(s => s.Address).ToArray();

    /// <summary>
    /// The continuous choices the position moves, in visit order, with their coordinates and their entries in a draw
    /// (a vector or matrix choice has several of each, not always as many entries as coordinates).
    /// </summary>
    public IReadOnlyList<DifferentiableChoice> Choices { get; }

    /// <summary>
    /// The name of each entry of a draw (the constrained values, as reported): a scalar choice's address, <c>p/k</c> for
    /// entry k of a vector choice <c>p</c>, <c>L/i/j</c> for entry (i, j) of a matrix choice <c>L</c>.
    /// </summary>
    public IReadOnlyList<Address> Values { get; }

    /// <summary>
    /// The address of each unconstrained coordinate, in the order the model visits them: a scalar choice's address;
    /// for a vector choice <c>p</c>, <c>p/k</c> for its k-th coordinate (a K-simplex has K − 1, each the stick broken
    /// at entry k); for a matrix choice, the entry the coordinate moves (<c>L/i/j</c>, strictly lower for LKJ).
    /// </summary>
    public IReadOnlyList<Address> Coordinates { get; }

    /// <summary>The addresses of the deterministic quantities the model reports (<c>Deterministic(value, address)</c>), in visit order.</summary>
    public IReadOnlyList<Address> Deterministics { get; }

    /// <summary>The distribution family at each coordinate's site.</summary>
    public IReadOnlyList<string> Families { get; }

    /// <summary>The number of unconstrained coordinates.</summary>
    public int Dimension => Coordinates.Count;

    /// <summary>The number of effects one run visits.</summary>
    public int VisitCount => Visits.Length;

    /// <summary>The unconstrained position the discovering run used (from the held values where given, else 0).</summary>
    public IReadOnlyList<double> Start { get; }

    /// <summary>The log density at <see cref="Start"/> (may be −∞ or NaN: only the layout is needed).</summary>
    public double StartLogDensity { get; }
}

/// <summary>Thrown when a run of a differentiable form does not follow its layout, or cannot be laid out.</summary>
public sealed class DifferentiableLayoutException : ModelException
{
    /// <summary>Creates the exception.</summary>
    public DifferentiableLayoutException(string message, Address? address = null) : base(message, address)
    {
    }
}
