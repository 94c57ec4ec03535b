namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// Which choices of a traced program are the observations a Distribution Transformer reads, one token per
/// observation: a fixed list of addresses, or an indexed family y(0), y(1), … read until the first absent
/// index (so the number of observations can follow the model's arguments). Each observation is a number
/// (<c>double</c>, <c>int</c>, <c>bool</c>) or a <c>double[]</c> of the source's dimension.
/// </summary>
public abstract class DtObserved
{
    private DtObserved() { }

    /// <summary>Observations at exactly these addresses, in this order.</summary>
    public static DtObserved At(params Address[] addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return new Fixed([.. addresses]);
    }

    /// <summary>Observations at the paths (such as <c>"y/3"</c>, parsed by <see cref="Address.Parse"/>), in this order.</summary>
    public static DtObserved At(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new Fixed([.. paths.Select(Address.Parse)]);
    }

    /// <summary>Observations at <paramref name="address"/>(0), (1), … up to the first index the choices lack.</summary>
    public static DtObserved Indexed(Func<int, Address> address) => new IndexedFamily(address ?? throw new ArgumentNullException(nameof(address)));

    /// <summary>
    /// Observations at the paths <paramref name="path"/>(0), (1), … (such as <c>i =&gt; $"y/{i}"</c>, parsed by
    /// <see cref="Address.Parse"/>, so "y/3" is the index 3 under "y", not one segment named "y/3"), up to the first
    /// index the choices lack.
    /// </summary>
    public static DtObserved Indexed(Func<int, string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new IndexedFamily(i => Address.Parse(path(i)));
    }

    /// <summary>The addresses of the observations present in <paramref name="choices"/>, in token order.</summary>
    public abstract IReadOnlyList<Address> Resolve(ChoiceMap choices);

    /// <summary>Reads the observations from <paramref name="choices"/> as rows of numbers (one row per observation).</summary>
    /// <param name="choices">A trace's choices (training) or the observed values (inference).</param>
    /// <param name="model">The model's name, for messages.</param>
    /// <exception cref="ModelException">An observation is missing, of a type the network cannot read, or not finite.</exception>
    public double[][] Read(ChoiceMap choices, string model)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var addresses = Resolve(choices);
        var rows = new double[addresses.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            var a = addresses[i];
            if (!choices.TryGetValue(a, out var value) || value is null)
                throw new ModelException($"Model '{model}': the observation at '{a}' is missing from the choices.", a);
            rows[i] = value switch
            {
                double d => [d],
                float f => [f],
                int n => [n],
                long n => [n],
                bool b => [b ? 1 : 0],
                double[] v => (double[])v.Clone(),
                _ => throw new ModelException($"Model '{model}': the observation at '{a}' is a {value.GetType().Name} ({value}); the Distribution Transformer reads numbers or double[] only.", a),
            };
            foreach (var x in rows[i])
                if (!double.IsFinite(x))
                    throw new ModelException($"Model '{model}': the observation at '{a}' is {x}, which is not finite.", a);
        }
        return rows;
    }

    private sealed class Fixed(Address[] addresses) : DtObserved
    {
        public override IReadOnlyList<Address> Resolve(ChoiceMap choices) => addresses;
    }

    private sealed class IndexedFamily(Func<int, Address> address) : DtObserved
    {
        public override IReadOnlyList<Address> Resolve(ChoiceMap choices)
        {
            var list = new List<Address>();
            for (var i = 0; ; i++)
            {
                var a = address(i);
                if (!choices.Contains(a)) return list;
                list.Add(a);
            }
        }
    }
}
