%% BEAM's side of bench/reload.mjs: Erlang's own c(code_reload) (compile, purge, load),
%% median of 100 loads of the classic demo module, alternating the buggy and fixed loop.
-module(reload).
-export([run/1]).

run(Dir) ->
    File = filename:join(Dir, "code_reload.erl"),
    {ok, Cwd} = file:get_cwd(),
    ok = file:set_cwd(Dir),
    [load(File, I) || I <- lists:seq(1, 10)],
    Times = lists:sort([load(File, I) || I <- lists:seq(1, 100)]),
    ok = file:set_cwd(Cwd),
    Median = lists:nth(50, Times) / 1000,
    io:format("{\"beamReloadMedianMs\":~.2f}~n", [Median]).

load(File, I) ->
    Increment = case I rem 2 of 0 -> "Count"; 1 -> "Count + 1" end,
    ok = file:write_file(File, source(Increment)),
    T0 = erlang:monotonic_time(microsecond),
    {ok, code_reload} = c:c(code_reload),
    erlang:monotonic_time(microsecond) - T0.

source(Increment) ->
    "-module(code_reload).\n"
    "-export([start_server/0, server_loop/1]).\n"
    "start_server() -> spawn(fun() -> server_loop(0) end).\n"
    "server_loop(Count) ->\n"
    "    receive\n"
    "        {From, quit} -> io:format(\"Received quit command from ~p~n\", [From]), ok;\n"
    "        {From, Message} ->\n"
    "            io:format(\"~p: Server ~p received message ~p from ~p~n\", [Count, self(), Message, From]),\n"
    "            ?MODULE:server_loop(" ++ Increment ++ ")\n"
    "    end.\n".
