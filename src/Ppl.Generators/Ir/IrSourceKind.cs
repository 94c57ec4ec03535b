namespace Ppl.Generators.Ir
{
    /// <summary>What a data-flow source stands for.</summary>
    internal enum IrSourceKind
    {
        /// <summary>The value of one effect site (a random choice, a sub-model call's result, an observation's nothing).</summary>
        Site,

        /// <summary>The value a parameter of the analysed method arrives with.</summary>
        Parameter,

        /// <summary>The value recorded by a <c>Deterministic</c> call (a named value the differentiable form keeps on its tape).</summary>
        Deterministic,
    }
}
