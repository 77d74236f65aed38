/*
 * state.c - aggregate transition states as real SQL types: the expanded
 * object wrapper, the shared text/binary I/O and the shared wire reader.
 * See state.h.
 */
#include "postgres.h"

#include <math.h>

#include "common/base64.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "state.h"

#define STATE_TEXT_PREFIX "v1:"

static Size StateGetFlatSize(ExpandedObjectHeader *eohptr);
static void StateFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

const ExpandedObjectMethods PrefStateEOHMethods = {
	StateGetFlatSize,
	StateFlattenInto
};

/* Ensure a flat copy is cached and return its size */
static Size
StateGetFlatSize(ExpandedObjectHeader *eohptr)
{
	PrefState  *ps = (PrefState *) eohptr;
	MemoryContext old;

	if (ps->flat != NULL)
		pfree(ps->flat);
	old = MemoryContextSwitchTo(PrefStateMemory(ps));
	ps->flat = ps->methods->flatten(ps->state);
	MemoryContextSwitchTo(old);
	return VARSIZE(ps->flat);
}

/* Copy the cached flat form into result and drop the cache */
static void
StateFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	PrefState  *ps = (PrefState *) eohptr;

	if (ps->flat == NULL)
		(void) StateGetFlatSize(eohptr);
	if (VARSIZE(ps->flat) != allocated_size)
		elog(ERROR, "%s: flat size changed while flattening", ps->methods->name);
	memcpy(result, ps->flat, allocated_size);
	pfree(ps->flat);
	ps->flat = NULL;
}

/* New expanded state in its own context under aggctx */
PrefState *
PrefStateCreate(const PrefStateMethods *m, MemoryContext aggctx)
{
	MemoryContext objctx;
	PrefState  *ps;

	objctx = AllocSetContextCreate(aggctx, "pgpref state", ALLOCSET_DEFAULT_SIZES);
	ps = MemoryContextAllocZero(objctx, sizeof(PrefState));
	EOH_init_header(&ps->hdr, &PrefStateEOHMethods, objctx);
	ps->methods = m;
	return ps;
}

/* Memory context for new states: the aggregate's, else the caller's */
MemoryContext
PrefStateContext(FunctionCallInfo fcinfo)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		ctx = CurrentMemoryContext;
	return ctx;
}

/* The PrefState behind an expanded datum of family m, or NULL */
static PrefState *
StateOfDatum(Datum d, const PrefStateMethods *m)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	if (eoh->eoh_methods != &PrefStateEOHMethods || ((PrefState *) eoh)->methods != m)
		return NULL;
	return (PrefState *) eoh;
}

/* State argument of a transition or combine function: the cases PrefStateArg's inline test does not take */
PrefState *
PrefStateArgSlow(FunctionCallInfo fcinfo, int argno, const PrefStateMethods *m,
				 MemoryContext aggctx)
{
	Datum		d;
	PrefState  *ps;
	struct varlena *flat;

	if (PG_ARGISNULL(argno))
		return NULL;
	d = PG_GETARG_DATUM(argno);
	ps = StateOfDatum(d, m);
	if (ps != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		MemoryContextGetParent(PrefStateMemory(ps)) == aggctx)
		return ps;

	flat = (struct varlena *) PG_DETOAST_DATUM(d);
	ps = PrefStateCreate(m, aggctx);
	ps->state = m->expand(flat, PrefStateMemory(ps));
	return ps;
}

/* Read-only struct of a state value */
void *
PrefStateRead(Datum d, const PrefStateMethods *m)
{
	PrefState  *ps = StateOfDatum(d, m);

	if (ps != NULL)
		return ps->state;
	return m->expand((struct varlena *) PG_DETOAST_DATUM(d), CurrentMemoryContext);
}

/* Validate a flat value by expanding it into a throwaway context */
static void
StateValidate(const struct varlena *flat, const PrefStateMethods *m)
{
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext, "pgpref state check",
											  ALLOCSET_DEFAULT_SIZES);

	(void) m->expand(flat, tmp);
	MemoryContextDelete(tmp);
}

/* Text input: "v1:" and base64 of the flat value, validated */
Datum
PrefStateIn(const char *str, const PrefStateMethods *m)
{
	size_t		plen = strlen(STATE_TEXT_PREFIX);
	size_t		len;
	int			cap;
	int			n;
	struct varlena *flat;

	if (strncmp(str, STATE_TEXT_PREFIX, plen) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", m->name),
				 errdetail("The text form starts with \"%s\".", STATE_TEXT_PREFIX),
				 errhint("Use the text output of the same type, e.g. from worker_partial_agg or a ::text cast.")));
	str += plen;
	len = strlen(str);
	if (len > (size_t) (MaxAllocSize / 2))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too long", m->name)));
	cap = pg_b64_dec_len((int) len);
	flat = palloc(VARHDRSZ + cap + 1);
	n = pg_b64_decode(str, (int) len, VARDATA(flat), cap);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", m->name),
				 errdetail("The text after \"%s\" is not valid base64.", STATE_TEXT_PREFIX)));
	SET_VARSIZE(flat, VARHDRSZ + n);
	StateValidate(flat, m);
	return PointerGetDatum(flat);
}

/* Text output: "v1:" and base64 of the flat value */
char *
PrefStateOut(Datum d, const PrefStateMethods *m)
{
	struct varlena *flat = (struct varlena *) PG_DETOAST_DATUM(d);
	int			n = VARSIZE_ANY_EXHDR(flat);
	int			cap = pg_b64_enc_len(n);
	size_t		plen = strlen(STATE_TEXT_PREFIX);
	char	   *out = palloc(plen + cap + 1);
	int			w;

	memcpy(out, STATE_TEXT_PREFIX, plen);
	w = pg_b64_encode(VARDATA_ANY(flat), n, out + plen, cap);
	if (w < 0)
		elog(ERROR, "%s: base64 encoding failed", m->name);
	out[plen + w] = '\0';
	return out;
}

/* Binary input: the flat value's bytes, validated */
Datum
PrefStateRecv(StringInfo buf, const PrefStateMethods *m)
{
	int			n = buf->len - buf->cursor;
	struct varlena *flat = palloc(VARHDRSZ + n);

	SET_VARSIZE(flat, VARHDRSZ + n);
	pq_copymsgbytes(buf, VARDATA(flat), n);
	StateValidate(flat, m);
	return PointerGetDatum(flat);
}

/* Binary output: the flat value's bytes */
bytea *
PrefStateSend(Datum d, const PrefStateMethods *m)
{
	struct varlena *flat = (struct varlena *) PG_DETOAST_DATUM(d);
	int			n = VARSIZE_ANY_EXHDR(flat);
	bytea	   *out = palloc(VARHDRSZ + n);

	(void) m;
	SET_VARSIZE(out, VARHDRSZ + n);
	memcpy(VARDATA(out), VARDATA_ANY(flat), n);
	return out;
}

/* Combine two states of family m (either may be NULL): see state.h */
Datum
PrefStateCombine(FunctionCallInfo fcinfo, const PrefStateMethods *m,
				 MemoryContext ctx, PrefStateEmptyFn empty, PrefStateMergeFn merge)
{
	PrefState  *ps = PrefStateArg(fcinfo, 0, m, ctx);
	void	   *b;

	if (PG_ARGISNULL(1))
	{
		if (ps == NULL)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PrefStateDatum(ps));
	}
	b = PrefStateRead(PG_GETARG_DATUM(1), m);
	if (ps == NULL)
	{
		ps = PrefStateCreate(m, ctx);
		ps->state = empty(PrefStateMemory(ps), b);
	}
	merge(ps->state, b, PrefStateMemory(ps));
	PG_RETURN_DATUM(PrefStateDatum(ps));
}

/* Error for a hostile or corrupt state */
void
PrefStateCorrupt(const char *name, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s value", name),
			 errdetail("%s", detail)));
}

/* Cursor over a flat value's payload */
void
PrefWireInit(PrefWire *w, const struct varlena *flat, const char *name)
{
	w->data = VARDATA_ANY(flat);
	w->len = VARSIZE_ANY_EXHDR(flat);
	w->pos = 0;
	w->name = name;
}

/* Copy the next bytes out of the payload; error if it is truncated */
void
PrefWireRead(PrefWire *w, void *dst, Size bytes)
{
	if (bytes > w->len - w->pos)
		PrefStateCorrupt(w->name, "The value is truncated.");
	memcpy(dst, w->data + w->pos, bytes);
	w->pos += bytes;
}

/* Copy count elements of elemsize bytes; error if they are not all there */
void
PrefWireReadArray(PrefWire *w, void *dst, Size count, Size elemsize)
{
	if (elemsize != 0 && count > (w->len - w->pos) / elemsize)
		PrefStateCorrupt(w->name, "The value is truncated.");
	PrefWireRead(w, dst, count * elemsize);
}

/* Copy count doubles that must all be finite; else error with detail */
void
PrefWireReadFinite(PrefWire *w, double *dst, Size count, const char *detail)
{
	PrefWireReadArray(w, dst, count, sizeof(double));
	for (Size i = 0; i < count; i++)
		if (!isfinite(dst[i]))
			PrefStateCorrupt(w->name, detail);
}

/* Bytes left to read */
Size
PrefWireLeft(PrefWire *w)
{
	return w->len - w->pos;
}

/* Error unless the whole payload was read */
void
PrefWireEnd(PrefWire *w)
{
	if (w->pos != w->len)
		PrefStateCorrupt(w->name, "The value has trailing bytes.");
}

/* Error with detail unless ok */
void
PrefWireCheck(PrefWire *w, bool ok, const char *detail)
{
	if (!ok)
		PrefStateCorrupt(w->name, detail);
}
